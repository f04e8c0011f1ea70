"""Following by e-mail: double opt-in, digests grouped by what is followed, alerts on the day a
review becomes public and never before, nothing unpublished, one-click unsubscribe (RFC 8058),
and nothing sent twice. Tasks run inline (Celery's eager mode), as on the embedded default."""

import datetime
import re
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from alerts import sending
from alerts.models import Delivery, Frequency, Subscriber, Subscription
from findings.publishing import change_publication_date, unpublish_review
from recommendations.models import PublicationStatus, Recommendation

d = datetime.date
SUBSCRIBED_ON = d(2022, 4, 20)
EMBARGO = d(2022, 4, 26)


@pytest.fixture(autouse=True)
def frozen_today(settings):
    settings.TRACKER_TODAY = SUBSCRIBED_ON
    settings.SITE_URL = "https://tracker.example.org"


def on(settings, day):
    settings.TRACKER_TODAY = day


def follow(client, url, email="reader@example.org", frequency="daily"):
    response = client.post(url, {"email": email, "frequency": frequency})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def link_in(message, name):
    """The path of the site's link called ``name`` (confirm, manage, unsubscribe) in an e-mail's text."""
    found = re.search(rf"https://tracker\.example\.org(/alerts/{name}/[^\s/]+/)", message.body)
    assert found, message.body
    return found.group(1)


def confirm_by_link(client, message, heading="Confirm that you want emails"):
    path = link_in(message, "confirm")
    page = client.get(path)
    assert page.status_code == 200 and heading in page.content.decode()
    response = client.post(path)
    assert "You’ve subscribed" in response.content.decode()
    return response


def send(frequency=None):
    out = StringIO()
    args = ["--frequency", frequency] if frequency else []
    call_command("send_alerts", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def published_belmarsh(make_review, belmarsh):
    """Belmarsh has a review public before anyone subscribes, so it can be followed."""
    return make_review(belmarsh, [("hmi-prisons", "good-progress")], year=2020, published_on=d(2020, 4, 1))


@pytest.fixture
def follower(client, published_belmarsh, belmarsh):
    """reader@example.org follows Belmarsh daily, confirmed on 20 April 2022."""
    follow(client, reverse("alerts:follow-establishment", args=["belmarsh"]))
    confirm_by_link(client, mail.outbox[-1])
    mail.outbox.clear()
    return Subscriber.objects.get(email="reader@example.org")


def test_nothing_is_sent_until_the_link_in_the_confirmation_email_is_followed(
    client, published_belmarsh, belmarsh, make_review, settings
):
    """Double opt-in: a pending subscription gets no alert; the link's page confirms only with its button."""
    response = follow(client, reverse("alerts:follow-establishment", args=["belmarsh"]), email=" Reader@Example.org ")
    assert response.url == reverse("alerts:check-email")
    page = client.get(response.url).content.decode()
    assert "Check your email" in page and "reader@example.org" in page
    (confirmation,) = mail.outbox
    assert confirmation.to == ["reader@example.org"]
    assert confirmation.subject == "Confirm that you want emails about HMP Belmarsh"
    assert "List-Unsubscribe" not in confirmation.extra_headers
    path = link_in(confirmation, "confirm")

    make_review(belmarsh, [("hmi-prisons", "reasonable-progress")], published_on=d(2022, 4, 20))
    assert send("daily") == "Once a day: 0 emails sent (0 subscribers checked).\n"
    assert client.get(path).status_code == 200  # a mail scanner opening the link confirms nothing
    assert Subscription.objects.get().confirmed_at is None
    assert len(mail.outbox) == 1

    client.post(path)
    assert Subscription.objects.get().confirmed_at is not None
    # What was public before confirming is not news; what is published after is.
    send("daily")
    assert len(mail.outbox) == 1
    on(settings, d(2022, 4, 21))
    make_review(belmarsh, [("hmi-prisons", "insufficient-progress")], year=2023, published_on=d(2022, 4, 21))
    send("daily")
    assert [m.subject for m in mail.outbox[1:]] == ["Published: HMP Belmarsh: independent review of progress 2023"]


def test_a_confirmation_link_expires_and_a_forged_one_does_nothing(client, published_belmarsh):
    """The link works for 7 days; a damaged one confirms nothing."""
    import time
    from unittest import mock

    from alerts import tokens

    follow(client, reverse("alerts:follow-establishment", args=["belmarsh"]))
    path = link_in(mail.outbox[0], "confirm")
    assert client.post(path[:-3] + "xx/").status_code == 404
    with mock.patch.object(time, "time", return_value=time.time() - 8 * 86400):
        stale = tokens.confirm_token(Subscription.objects.get())
    response = client.post(reverse("alerts:confirm", args=[stale]))
    assert response.status_code == 404 and "This link does not work" in response.content.decode()
    assert Subscription.objects.get().confirmed_at is None


def test_the_form_says_what_is_wrong_and_writes_nothing(client, published_belmarsh, wandsworth):
    """A bad address is a 400 with GOV.UK's messages; an unknown or unpublished place is a 404."""
    url = reverse("alerts:follow-establishment", args=["belmarsh"])
    response = client.post(url, {"email": "not an address", "frequency": "hourly"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert "Select how often you want to get emails" in page
    assert not Subscriber.objects.exists() and mail.outbox == []
    assert client.get(reverse("alerts:follow-establishment", args=["nowhere"])).status_code == 404
    # Wandsworth exists but nothing of it is published: the public does not know it.
    assert client.get(reverse("alerts:follow-establishment", args=["wandsworth"])).status_code == 404
    assert client.get(reverse("alerts:follow-area", args=["no-such-area"])).status_code == 404
    page = client.get(url).content.decode()
    assert 'value="daily" checked' in page  # daily is the default


def test_asking_again_for_what_is_followed_sends_the_management_link(client, follower):
    """A stranger who types a follower's address learns nothing and changes nothing."""
    follow(client, reverse("alerts:follow-establishment", args=["belmarsh"]), frequency="immediately")
    (message,) = mail.outbox
    assert message.subject == "You already get emails about HMP Belmarsh"
    assert link_in(message, "manage")
    assert Subscription.objects.get().frequency == Frequency.DAILY


def test_an_embargoed_review_is_sent_on_its_publication_date_and_not_before(
    client, follower, make_review, belmarsh, settings
):
    """Published in the workspace on 20 April with an embargo until 26 April: the alert goes on the 26th."""
    make_review(
        belmarsh, [("hmi-prisons", "reasonable-progress"), ("ofsted", "significant-progress")], published_on=EMBARGO
    )
    for day in range(20, 26):
        on(settings, d(2022, 4, day))
        send()
        assert mail.outbox == [], day
    on(settings, EMBARGO)
    assert send("daily") == "Once a day: 1 email sent (1 subscriber checked).\n"
    (alert,) = mail.outbox
    assert alert.subject == "Published: HMP Belmarsh: independent review of progress 2022"
    assert "Published 26 April 2022." in alert.body
    assert "HMI Prisons: 1 reasonable progress" in alert.body and "Ofsted: 1 significant progress" in alert.body
    assert "https://tracker.example.org/establishments/belmarsh/irp-2022/" in alert.body
    assert send("daily") == "Once a day: 0 emails sent (1 subscriber checked).\n"
    on(settings, d(2022, 4, 27))
    send()
    assert len(mail.outbox) == 1


def test_a_review_unpublished_before_its_date_is_never_sent(
    client, follower, make_review, belmarsh, wandsworth, hmi_inspector, settings
):
    """Taken back during its embargo: nothing goes out, on its date or after; a draft never does."""
    review = make_review(belmarsh, [("hmi-prisons", "reasonable-progress")], published_on=EMBARGO)
    unpublish_review(review, by=hmi_inspector, reason="Published in error.")
    make_review(
        belmarsh, [("hmi-prisons", "good-progress")], year=2023, status=PublicationStatus.DRAFT, published_on=EMBARGO
    )
    for day in (EMBARGO, d(2022, 5, 3)):
        on(settings, day)
        send()
    assert mail.outbox == []


def test_an_alert_queued_before_an_unpublishing_carries_nothing_it_took_back(
    client, follower, make_review, belmarsh, hmi_inspector, settings
):
    """The schedule queued the follower's e-mail; the review is taken down before a worker sends
    it: the e-mail is not sent (everything is read again when sending), and nothing is logged."""
    on(settings, d(2022, 4, 21))
    review = make_review(belmarsh, [("hmi-prisons", "reasonable-progress")], published_on=d(2022, 4, 21))
    assert sending.due_subscribers(Frequency.DAILY) == [follower.pk]  # what send_due_alerts queues
    unpublish_review(review, by=hmi_inspector, reason="Published in error.")
    assert sending.send_digest(follower.pk, Frequency.DAILY) == 0
    assert mail.outbox == [] and not Delivery.objects.exists()


def test_a_review_whose_embargo_moves_later_is_sent_on_the_new_date(
    client, follower, make_review, belmarsh, hmi_inspector, settings
):
    review = make_review(belmarsh, [("hmi-prisons", "reasonable-progress")], published_on=EMBARGO)
    change_publication_date(review, by=hmi_inspector, published_on=d(2022, 5, 10), reason="Moved by the minister.")
    on(settings, EMBARGO)
    send()
    assert mail.outbox == []
    on(settings, d(2022, 5, 10))
    send()
    assert len(mail.outbox) == 1


def test_a_full_inspection_is_told_in_brief_and_linked_to_its_own_page(
    client, follower, make_review, belmarsh, hmi_inspector, settings
):
    """A full inspection published on its own: what it recommended in brief, and a link to the
    inspection's own page (not only its establishment's)."""
    from common import clock
    from findings.publishing import publish_full_inspection

    on(settings, d(2022, 4, 21))
    # Ofsted's theme is followed up at the review: listed on the inspection's page, never made by it.
    inspection = make_review(
        belmarsh,
        [("hmi-prisons", "reasonable-progress"), ("ofsted", "reasonable-progress")],
        year=2024,
        status=PublicationStatus.DRAFT,
    ).follows_up
    publish_full_inspection(inspection, by=hmi_inspector, now=clock.now())
    send("daily")
    (alert,) = mail.outbox
    assert alert.subject == "Published: HMP Belmarsh: full inspection 2023"
    assert "- 1 recommendation made\n" in alert.body
    assert "Read it: https://tracker.example.org/establishments/belmarsh/inspection-2023/\n" in alert.body
    assert client.get("/establishments/belmarsh/inspection-2023/").status_code == 200


def test_one_digest_covers_everything_followed_grouped_and_each_review_once(
    client, published_belmarsh, make_review, belmarsh, wandsworth, settings
):
    """Belmarsh, an area and everything new, daily: one e-mail, establishments first, then the
    area, then everything else; a review found by two subscriptions is listed once."""
    make_review(wandsworth, [("hmi-prisons", "good-progress")], year=2020, published_on=d(2020, 5, 1))
    email = "digest@example.org"
    for url in (
        reverse("alerts:follow-establishment", args=["belmarsh"]),
        reverse("alerts:follow-area", args=["area-1"]),
        reverse("alerts:follow-everything"),
    ):
        follow(client, url, email=email)
    for message in list(mail.outbox):
        confirm_by_link(client, message)
    mail.outbox.clear()

    on(settings, d(2022, 4, 21))
    from recommendations.models import Establishment

    brixton = Establishment.objects.create(name="HMP Brixton", slug="brixton")
    make_review(belmarsh, [("hmi-prisons", "insufficient-progress")], year=2022, published_on=d(2022, 4, 21))
    make_review(wandsworth, [("hmi-prisons", "no-meaningful-progress")], year=2022, published_on=d(2022, 4, 21))
    make_review(brixton, [("ofsted", "reasonable-progress")], year=2022, published_on=d(2022, 4, 21))
    Recommendation.objects.filter(inspection__establishment=brixton).update(area="Healthcare")
    send("immediately")
    send("weekly")
    assert mail.outbox == []
    send("daily")
    (digest,) = mail.outbox
    assert digest.subject == "Daily digest: 3 new reviews and inspections"
    body = digest.body
    order = [body.index(heading) for heading in ("HMP BELMARSH", "AREA 1", "ALL NEW REVIEWS AND INSPECTIONS")]
    assert order == sorted(order)
    belmarsh_part, rest = body.split("AREA 1")
    area_part, everything_part = rest.split("ALL NEW REVIEWS AND INSPECTIONS")
    assert "HMP Belmarsh: independent review of progress 2022" in belmarsh_part
    assert "HMP Wandsworth: independent review of progress 2022" in area_part
    assert "Area 1 (1.1): No meaningful progress" in area_part
    assert "HMP Brixton: independent review of progress 2022" in everything_part
    assert body.count("independent review of progress 2022\n") == 3
    assert "because you follow HMP Belmarsh, Area 1, all new reviews and inspections on the" in body
    # The HTML part says the same, with headings and links.
    html, mimetype = digest.alternatives[0]
    assert mimetype == "text/html" and '<html lang="en-gb">' in html and "<header>" in html
    assert "<h2" in html and "HMP Brixton: independent review of progress 2022</a>" in html
    send("daily")
    assert len(mail.outbox) == 1


def test_each_alert_can_be_stopped_in_one_click_rfc_8058(client, follower, make_review, belmarsh, settings):
    """List-Unsubscribe is an HTTPS URL with a signed token; a POST (no CSRF token, as a mail
    client sends it) unsubscribes at once; a GET only shows a button."""
    on(settings, d(2022, 4, 21))
    make_review(belmarsh, [("hmi-prisons", "reasonable-progress")], published_on=d(2022, 4, 21))
    send("daily")
    (alert,) = mail.outbox
    header = alert.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<https://tracker\.example\.org/alerts/unsubscribe/[^\s>]+/>", header)
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = header[len("<https://tracker.example.org") : -1]

    mail_client = Client(enforce_csrf_checks=True)
    page = mail_client.get(path)
    assert page.status_code == 200 and "<button" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0") and "noindex" in page["X-Robots-Tag"]
    assert Subscription.objects.exists()

    response = mail_client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and "You’ve unsubscribed" in response.content.decode()
    assert not Subscription.objects.exists() and not Subscriber.objects.exists()
    # Again (a mail client retrying): still a plain answer, nothing to do.
    assert (
        mail_client.post(
            path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 200
    )
    assert mail_client.post(path[:-4] + "abc/").status_code == 404
    on(settings, d(2022, 4, 22))
    make_review(belmarsh, [("hmi-prisons", "good-progress")], year=2023, published_on=d(2022, 4, 22))
    send()
    assert len(mail.outbox) == 1


def test_a_retried_send_sends_nothing_twice(client, follower, make_review, belmarsh, settings):
    """The mail server fails: nothing is logged, the retry sends; a second retry finds the log."""
    from unittest import mock

    on(settings, d(2022, 4, 21))
    make_review(belmarsh, [("hmi-prisons", "reasonable-progress")], published_on=d(2022, 4, 21))
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected):
        with pytest.raises(smtplib.SMTPServerDisconnected):
            sending.send_digest(follower.pk, Frequency.DAILY)
    assert not Delivery.objects.exists() and mail.outbox == []
    assert sending.send_digest(follower.pk, Frequency.DAILY) == 1
    assert sending.send_digest(follower.pk, Frequency.DAILY) == 0
    send()
    assert len(mail.outbox) == 1 and Delivery.objects.count() == 1


def test_the_task_retries_a_failed_send_with_back_off(follower, make_review, belmarsh, settings):
    """Celery's task retries on the mail server's errors (eager here: the retry runs at once)."""
    from unittest import mock

    from alerts.tasks import send_alerts_to

    on(settings, d(2022, 4, 21))
    make_review(belmarsh, [("hmi-prisons", "reasonable-progress")], published_on=d(2022, 4, 21))
    assert send_alerts_to.retry_backoff and smtplib.SMTPException in send_alerts_to.autoretry_for
    assert send_alerts_to.rate_limit
    real_send = mail.EmailMultiAlternatives.send
    calls = []

    def flaky(message, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("try again")
        return real_send(message, *args, **kwargs)

    with mock.patch("django.core.mail.EmailMultiAlternatives.send", flaky):
        result = send_alerts_to.apply(args=(follower.pk, "daily"), throw=False)
    assert result.successful(), result.traceback
    assert len(calls) == 2 and len(mail.outbox) == 1


def test_the_management_page_changes_and_stops_each_subscription(client, follower, published_belmarsh):
    """A signed link, no account: change how often, stop one, and a forged link does nothing."""
    follow(client, reverse("alerts:follow-everything"), frequency="weekly")
    # In a sentence, everything new is not a capitalised heading.
    assert mail.outbox[-1].subject == "Confirm that you want emails about all new reviews and inspections"
    confirm_by_link(client, mail.outbox[-1])
    manage = sending.manage_url(follower)[len("https://tracker.example.org") :]
    page = client.get(manage).content.decode()
    assert "HMP Belmarsh" in page and "All new reviews and inspections" in page
    belmarsh_sub = Subscription.objects.get(topic="establishment")
    response = client.post(manage, {"action": "frequency", "subscription": belmarsh_sub.pk, "frequency": "immediately"})
    assert response.status_code == 302
    assert "You will get emails about HMP Belmarsh immediately." in client.get(manage).content.decode()
    belmarsh_sub.refresh_from_db()
    assert belmarsh_sub.frequency == Frequency.IMMEDIATELY
    bad = client.post(manage, {"action": "frequency", "subscription": belmarsh_sub.pk, "frequency": "hourly"})
    assert bad.status_code == 400 and "Select how often you want to get emails" in bad.content.decode()
    client.post(manage, {"action": "stop", "subscription": belmarsh_sub.pk})
    assert list(Subscription.objects.values_list("topic", flat=True)) == ["all"]
    # The same button pressed again (a double click, a second tab): the page as it now is.
    again = client.post(manage, {"action": "stop", "subscription": belmarsh_sub.pk})
    assert again.status_code == 302 and again.url == manage
    page = client.get(manage).content.decode()
    assert "You will not get any more emails about HMP Belmarsh." in page  # said once, after the first
    assert " from all new reviews and inspections</span>" in page and " from HMP Belmarsh</span>" not in page
    assert client.get(manage[:-5] + "abcd/").status_code == 404
    other = Subscriber.objects.create(email="other@example.org")
    # Another subscriber's subscription cannot be changed through this link.
    theirs = Subscription.objects.create(subscriber=other, topic="all")
    assert client.post(manage, {"action": "stop", "subscription": theirs.pk}).status_code == 404
    assert Subscription.objects.filter(pk=theirs.pk).exists()


def test_a_lost_management_link_is_sent_to_the_address_only(client, follower):
    response = client.post(reverse("alerts:manage-link"), {"email": "reader@example.org"})
    assert response.status_code == 200
    (message,) = mail.outbox
    assert message.to == ["reader@example.org"] and link_in(message, "manage")
    client.post(reverse("alerts:manage-link"), {"email": "stranger@example.org"})
    assert len(mail.outbox) == 1


def test_confirmation_emails_to_one_address_are_limited(client, published_belmarsh):
    """Someone typing a victim's address again and again sends at most five e-mails an hour."""
    for _ in range(8):
        follow(client, reverse("alerts:follow-establishment", args=["belmarsh"]), email="victim@example.org")
    assert len(mail.outbox) == 5
    # The count is kept in the shared cache under a hash: the cache holds no list of addresses.
    from django.core.cache import cache

    assert not [key for key in cache._cache if "victim" in key]
    assert [key for key in cache._cache if ":alerts:requests:" in key]


@pytest.mark.parametrize("page", ["home", "establishment", "area"])
def test_public_pages_link_to_get_emails(client, published_belmarsh, page):
    url = {
        "home": reverse("public:home"),
        "establishment": reverse("public:establishment", args=["belmarsh"]),
        "area": reverse("public:compare-area", args=["area-1"]),
    }[page]
    expected = {
        "home": reverse("alerts:follow-everything"),
        "establishment": reverse("alerts:follow-establishment", args=["belmarsh"]),
        "area": reverse("alerts:follow-area", args=["area-1"]),
    }[page]
    assert f'href="{expected}"' in client.get(url).content.decode()
    assert client.get(expected).status_code == 200


@pytest.mark.parametrize("extra", [0, 4])
def test_a_digest_is_built_and_sent_in_a_fixed_number_of_queries(
    client, follower, make_review, belmarsh, settings, django_assert_num_queries, extra
):
    """However many reviews it lists: the same queries."""
    from recommendations.models import Establishment

    follow(client, reverse("alerts:follow-everything"))
    confirm_by_link(client, mail.outbox[-1])
    mail.outbox.clear()
    on(settings, d(2022, 4, 21))
    make_review(belmarsh, [("hmi-prisons", "reasonable-progress")], published_on=d(2022, 4, 21))
    for n in range(extra):
        prison = Establishment.objects.create(name=f"HMP Test {n}", slug=f"test-{n}")
        make_review(
            prison, [("hmi-prisons", "good-progress"), ("ofsted", "reasonable-progress")], published_on=d(2022, 4, 21)
        )
    # 1 savepoint, 2 the subscriber (locked), 3 their subscriptions, 4 the news, 5 what was sent
    # before, 6 the reviews' judgements, 7 the deliveries written, 8 release. (A full inspection
    # among the news adds two: its recommendations and its scores.)
    with django_assert_num_queries(8):
        listed = sending.send_digest(follower.pk, Frequency.DAILY)
    assert listed == 1 + extra
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("model", ["subscriber", "subscription", "delivery"])
def test_the_back_office_lists_followers_to_superusers_only(client, follower, hmi_inspector, model):
    from django.contrib.auth import get_user_model

    url = reverse(f"admin:alerts_{model}_changelist")
    client.force_login(hmi_inspector)
    assert client.get(url).status_code == 403
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x" * 16))
    assert client.get(url).status_code == 200


WELSH = {
    "Confirm that you want emails about %(title)s": "Cadarnhewch eich bod eisiau e-byst am %(title)s",
    "Published: %(title)s": "Cyhoeddwyd: %(title)s",
    "Read it: %(url)s": "Darllenwch ef: %(url)s",
    "Unsubscribe from these emails": "Dad-danysgrifio o’r e-byst hyn",
}


def test_each_subscriber_gets_e_mails_in_the_language_they_subscribed_in(
    published_belmarsh, belmarsh, make_review, settings, offer_welsh
):
    """Someone who followed Belmarsh on the Welsh interface gets Welsh e-mails, also from the
    scheduled run (a worker or a command, in the site's default language); an English reader
    in the same run, English."""
    offer_welsh(WELSH)
    url = reverse("alerts:follow-establishment", args=["belmarsh"])
    welsh = Client(HTTP_ACCEPT_LANGUAGE="cy,en;q=0.5")
    follow(welsh, url, email="darllenydd@example.org")
    (confirmation,) = mail.outbox
    assert confirmation.subject == "Cadarnhewch eich bod eisiau e-byst am HMP Belmarsh"
    # The page the link opens says it in the same words, in the same language.
    confirm_by_link(welsh, confirmation, heading="Cadarnhewch eich bod eisiau e-byst am HMP Belmarsh")
    english = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.5")
    follow(english, url, email="reader@example.org")
    assert mail.outbox[-1].subject == "Confirm that you want emails about HMP Belmarsh"
    confirm_by_link(english, mail.outbox[-1])
    mail.outbox.clear()

    on(settings, d(2022, 4, 21))
    make_review(belmarsh, [("hmi-prisons", "reasonable-progress")], year=2023, published_on=d(2022, 4, 21))
    translation.activate(settings.LANGUAGE_CODE)  # as in a worker: the default language
    send("daily")
    sent = {message.to[0]: message for message in mail.outbox}
    welsh_mail, english_mail = sent["darllenydd@example.org"], sent["reader@example.org"]
    assert welsh_mail.subject == "Cyhoeddwyd: HMP Belmarsh: independent review of progress 2023"
    assert "Darllenwch ef: https://tracker.example.org/establishments/belmarsh/" in welsh_mail.body
    assert "Dad-danysgrifio o’r e-byst hyn" in welsh_mail.alternatives[0][0]  # the HTML part too
    assert '<html lang="cy">' in welsh_mail.alternatives[0][0]  # read aloud in Welsh
    assert english_mail.subject == "Published: HMP Belmarsh: independent review of progress 2023"
    assert "Read it: https://tracker.example.org/establishments/belmarsh/" in english_mail.body
    assert "Unsubscribe from these emails" in english_mail.alternatives[0][0]
