"""Issue 21, finding 15: the inspectors' workspace tells the truth, tried as a new user would.

- one "Publish on [date]" action: today publishes, a later date embargoes; a reason is asked only
  when a published date changes, and a draft's date change never says it "is now shown";
- the list's status reads Draft / Embargoed until … / Published;
- no link from a draft leads to a 404 ("View on site", the preview's breadcrumb);
- a judgement's history shows the reason given, never "None";
- the import's preview names fields by their labels and levels by their names.
"""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from findings.models import Judgement, ProgressLevel
from recommendations.models import AuditAction, AuditEvent, Establishment, Inspection, PublicationStatus
from reports import upload
from tests.conftest import SEED_REPORT
from tests.typeset import typeset

TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=40)


def change_page(review):
    return reverse("admin:recommendations_inspection_change", args=[review.pk])


def publish_url(review):
    return reverse("admin:recommendations_inspection_publish", args=[review.pk])


@pytest.fixture
def draft(make_review, belmarsh):
    return make_review(belmarsh, [("hmi-prisons", "reasonable-progress")], status=PublicationStatus.DRAFT)


def test_a_draft_offers_one_publish_on_date_action_without_a_reason(client, draft, hmi_inspector):
    client.force_login(hmi_inspector)
    page = client.get(change_page(draft)).content.decode()
    assert 'value="Publish on this date"' in page
    assert "Change the publication date" not in page  # one action, not two
    form = page[page.index('class="publish-on"') : page.index("</form>", page.index('class="publish-on"'))]
    assert "reason" not in form.lower()


def test_publishing_on_a_later_date_embargoes_the_review(client, draft, hmi_inspector):
    client.force_login(hmi_inspector)
    response = client.post(publish_url(draft), {"publication-published_on": LATER.isoformat()}, follow=True)
    page = response.content.decode()
    assert f"is published, embargoed until {LATER:%-d %B %Y}" in page
    assert f"Embargoed until {LATER:%-d %B %Y}" in page
    draft.refresh_from_db()
    assert (draft.status, draft.published_on) == (PublicationStatus.PUBLISHED, LATER)
    assert not Inspection.objects.published().filter(pk=draft.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.PUBLISHED, inspection=draft)
    assert f"shown from {LATER:%-d %B %Y}" in event.summary


def test_the_status_of_a_review_with_no_recorded_publisher_reads_as_a_sentence(client, draft, hmi_inspector):
    """A review loaded from the fixture (make run) has a publication time but no publisher: its
    status says "published on …", not "Embargoed until … on …"."""
    Inspection.objects.filter(pk=draft.pk).update(
        status=PublicationStatus.PUBLISHED, published_on=LATER, published_by=None, published_at=timezone.now()
    )
    client.force_login(hmi_inspector)
    page = client.get(change_page(draft)).content.decode()
    status = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", re.search(r'<p class="status">(.*?)</p>', page, re.S).group(1)))
    assert re.match(rf" ?Embargoed until {LATER:%-d %B %Y}, published on \d", status), status


def test_publishing_today_shows_it_at_once(client, draft, hmi_inspector):
    client.force_login(hmi_inspector)
    page = client.post(publish_url(draft), {"publication-published_on": TODAY.isoformat()}, follow=True)
    assert "is published and the public can see it now" in page.content.decode()
    assert Inspection.objects.published().filter(pk=draft.pk).exists()


def test_moving_a_drafts_date_needs_no_reason_and_never_says_it_is_shown(client, draft, hmi_inspector):
    client.force_login(hmi_inspector)
    url = reverse("admin:recommendations_inspection_change_date", args=[draft.pk])
    page = client.post(url, {"publication-published_on": LATER.isoformat()}, follow=True).content.decode()
    assert f"is still a draft: once published, it will be shown from {LATER:%-d %B %Y}" in page
    assert "is now shown from" not in page
    draft.refresh_from_db()
    assert draft.published_on == LATER and draft.status == PublicationStatus.DRAFT


def test_moving_a_published_date_asks_a_reason(client, draft, hmi_inspector):
    client.force_login(hmi_inspector)
    client.post(publish_url(draft), {"publication-published_on": LATER.isoformat()})
    page = client.get(change_page(draft)).content.decode()
    assert "Reason for changing the published date" in page
    url = reverse("admin:recommendations_inspection_change_date", args=[draft.pk])
    refused = client.post(url, {"publication-published_on": TODAY.isoformat()}, follow=True).content.decode()
    assert "Give a reason for changing the publication date." in refused
    draft.refresh_from_db()
    assert draft.published_on == LATER


def test_the_list_names_draft_embargoed_and_published(client, make_review, belmarsh, wandsworth, hmi_inspector):
    make_review(belmarsh, [("hmi-prisons", "good-progress")])
    make_review(wandsworth, [("hmi-prisons", "good-progress")], published_on=LATER)
    pentonville = Establishment.objects.create(name="HMP Pentonville", slug="pentonville")
    make_review(pentonville, [("hmi-prisons", "good-progress")], status=PublicationStatus.DRAFT)
    client.force_login(hmi_inspector)
    page = client.get(reverse("admin:recommendations_inspection_changelist") + "?kind__exact=irp").content.decode()
    cells = re.findall(r'<td class="field-publication">(.*?)</td>', page)
    assert sorted(cells) == sorted(["Published", f"Embargoed until {LATER:%-d %B %Y}", "Draft"])
    # The list filters by the same three states, embargoed ones included.
    listed = reverse("admin:recommendations_inspection_changelist") + "?kind__exact=irp&publication="
    for state, shown in [
        ("draft", "Draft"),
        ("embargoed", f"Embargoed until {LATER:%-d %B %Y}"),
        ("public", "Published"),
    ]:
        page = client.get(listed + state).content.decode()
        assert re.findall(r'<td class="field-publication">(.*?)</td>', page) == [shown], state
    assert 'href="?kind__exact=irp&amp;publication=embargoed"' in page  # offered among the filters


def test_no_view_on_site_link_for_what_the_public_cannot_open(client, draft, make_review, wandsworth, hmi_inspector):
    client.force_login(hmi_inspector)
    public_url = draft.get_absolute_url()
    assert public_url not in client.get(change_page(draft)).content.decode()
    assert client.get(public_url).status_code == 404  # (what the link used to lead to)
    published = make_review(wandsworth, [("hmi-prisons", "good-progress")])
    assert "View on site" in client.get(change_page(published)).content.decode()


def test_the_preview_of_a_new_prisons_draft_links_to_no_404(client, hmi_inspector, make_review):
    brixton = Establishment.objects.create(name="HMP Brixton", slug="brixton")
    review = make_review(brixton, [("hmi-prisons", "good-progress")], status=PublicationStatus.DRAFT)
    client.force_login(hmi_inspector)
    page = client.get(reverse("public:review-preview", kwargs={"pk": review.pk})).content.decode()
    breadcrumbs = page[page.index('class="govuk-breadcrumbs"') : page.index("</nav>")]
    client.logout()
    for href in re.findall(r'href="([^"]+)"', breadcrumbs):
        assert client.get(href).status_code == 200, href
    # Nor does any other link of the page lead the public to a 404 (a recommendation's page, say).
    for href in set(re.findall(r'href="(/[^"#]*)"', page)):
        if not href.startswith(("/preview/", "/static/", "/admin/")):
            assert client.get(href).status_code != 404, href


def test_a_judgements_history_shows_the_reason_given(client, draft, hmi_inspector):
    judgement = draft.judgements.get()
    client.force_login(hmi_inspector)
    url = reverse("admin:findings_judgement_change", args=[judgement.pk])
    good = ProgressLevel.objects.get(inspectorate__slug="hmi-prisons", slug="good-progress")
    data = {
        "level": good.pk,
        "position": judgement.position,
        "change_reason": "Moderated on 3 May.",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
    }
    for paragraph in judgement.evidence.all():
        index = int(data["evidence-TOTAL_FORMS"])
        data.update(
            {
                f"evidence-{index}-id": paragraph.pk,
                f"evidence-{index}-judgement": judgement.pk,
                f"evidence-{index}-number": paragraph.number,
                f"evidence-{index}-text": paragraph.text,
            }
        )
        data["evidence-TOTAL_FORMS"] = str(index + 1)
        data["evidence-INITIAL_FORMS"] = str(index + 1)
    assert client.post(url, data).status_code == 302
    history = client.get(reverse("admin:findings_judgement_history", args=[judgement.pk])).content.decode()
    assert "Moderated on 3 May." in history
    assert ">\n          None\n        <" not in history and "No reason given" in history
    # Nor "None" for who made the first version (written by a command, not a person).
    cells = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<td>(.*?)</td>", history, re.S)
    ]
    assert "None" not in cells and "Not recorded (an import, the fixture or a command)" in cells


def test_the_import_preview_names_fields_and_levels(client, db, hmi_inspector, tmp_path, monkeypatch):
    monkeypatch.setattr(upload, "FOLDER", tmp_path / "uploads")
    call_command("import_report", str(SEED_REPORT), verbosity=0)
    judgement = Judgement.objects.select_related("recommendation").get(recommendation__reference="1.39")
    judgement.level = ProgressLevel.objects.get(inspectorate__slug="hmi-prisons", slug="good-progress")
    judgement.save()
    client.force_login(hmi_inspector)
    pdf = SimpleUploadedFile("belmarsh-irp-2022.pdf", typeset(SEED_REPORT.read_text(encoding="utf-8"), "a4"))
    page = client.post(reverse("reports:import"), {"report": pdf}).content.decode()
    row = re.search(r"<tr>\s*<td>Judgement HMI Prisons[^<]*</td>(.*?)</tr>", page, re.S).group(1)
    assert "level" in row and "Good progress" in row and "progress" in row
    assert not re.search(r"<td>\d+</td>", row)  # no ids
    # On a phone the table scrolls sideways in its own labelled region, not the whole page.
    assert re.search(r'app-table-region" role="region" aria-label="Values the import would change"', page)
