"""Every word the interface itself says goes through Django's translation functions, so that a
Welsh interface (five prisons in Wales are inspected with Estyn) needs a catalogue, not code.

Each page is fetched with every translated string marked (``tests/i18n.py``); whatever is left of
its text once the marked strings and the page's data (names, report text, levels) are taken away
is a word no catalogue could translate. English output is unchanged: the same pages, unmarked,
are what every other test reads.
"""

import re

import pytest
from django.apps import apps
from django.db import models
from django.http import QueryDict
from django.urls import reverse
from django.utils.text import slugify

from tests.i18n import CLOSE, OPEN, marked_translations, untranslated
from tests.leaders_data import build_plan


def data_strings():
    """Every text value stored in the project's tables, as the page may show it."""
    values = []
    for model in apps.get_models():
        if model._meta.app_label not in {"recommendations", "findings", "auth"}:
            continue
        # Free text and names, not choice values or slugs (words such as "prison" that the
        # interface also says, and which would hide them).
        fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, (models.CharField, models.TextField))
            and not f.choices
            and not isinstance(f, models.SlugField)
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            values.extend(str(v) for v in row if v)
    # Data as pages may show it: lower case in a sentence ("2 reasonable progress").
    return values + [value.lower() for value in values]


@pytest.fixture
def plan(make_review, belmarsh):
    return build_plan(make_review, belmarsh)


def public_paths(review):
    recommendation = review.follows_up.recommendations.order_by("position").first()
    return [
        reverse("public:home"),
        reverse("public:establishment-list"),
        reverse("public:establishment", args=[review.establishment.slug]),
        reverse("public:review", args=[review.establishment.slug, review.slug]),
        reverse("public:recommendation-list"),
        reverse("public:recommendation-list") + "?q=zzzz-nothing",
        reverse("public:recommendation", args=[recommendation.pk]),
        reverse("public:review", args=[review.establishment.slug, review.follows_up.slug]),
        reverse("public:compare"),
        reverse("public:compare-area", args=[slugify(recommendation.area)]),
        reverse("public:data-dictionary"),
        reverse("alerts:follow-everything"),
        reverse("alerts:follow-establishment", args=[review.establishment.slug]),
        reverse("alerts:check-email"),
        reverse("alerts:manage-link"),
        reverse("login"),
        reverse("password_reset"),
        "/no-such-page/",
    ]


def leader_paths(review):
    slug = review.establishment.slug
    recommendation = review.follows_up.recommendations.order_by("position").first()
    action = recommendation.actions.first()
    return [
        reverse("leaders:home", args=[slug]),
        reverse("leaders:action-list", args=[slug]),
        reverse("leaders:recommendation-detail", args=[slug, recommendation.pk]),
        reverse("leaders:response", args=[slug, recommendation.pk]),
        reverse("leaders:action", args=[slug, action.pk]),
        reverse("leaders:action-edit", args=[slug, action.pk]),
        reverse("leaders:action-history", args=[slug, action.pk]),
        reverse("leaders:action-add", args=[slug, recommendation.pk]),
        reverse("leaders:plan-upload", args=[slug]),
        reverse("account"),
        reverse("password_change"),
    ]


# A machine name shown as code (a column, a field, a path) that went through a translation function.
TRANSLATED_CODE = re.compile(f"<code>[^<]*[{OPEN}{CLOSE}][^<]*</code>")


def check(client, paths):
    found = {}
    with marked_translations():
        for path in paths:
            response = client.get(path)
            assert response.status_code in (200, 404), path
            typed = [value for values in QueryDict(path.partition("?")[2]).lists() for value in values[1]]
            html = response.content.decode()
            left = untranslated(html, data_strings() + typed) + TRANSLATED_CODE.findall(html)
            if left:
                found[path] = list(dict.fromkeys(left))
    return found


@pytest.mark.django_db
def test_every_word_of_the_public_pages_can_be_translated(client, plan):
    found = check(client, public_paths(plan))
    assert not found, "Words outside the translation functions:\n" + "\n".join(f"{p}: {w}" for p, w in found.items())


@pytest.mark.django_db
def test_every_word_of_the_leaders_pages_can_be_translated(client, plan, belmarsh_leader):
    client.force_login(belmarsh_leader)
    found = check(client, leader_paths(plan))
    assert not found, "Words outside the translation functions:\n" + "\n".join(f"{p}: {w}" for p, w in found.items())


@pytest.mark.parametrize(
    "html",
    [
        '<td class="govuk-table__cell" data-label="{}Owner{}">Ms Smith</td>',
        '<div role="region" aria-label="{}Table: actions{}">Ms Smith</div>',
        '<a href="/feeds/" title="{}Atom feed{}">Ms Smith</a>',
        '<img src="chart.png" alt="{}Bar chart{}">',
        '<input name="q" placeholder="{}Search recommendations{}">',
        '<meta name="description" content="{}Progress on recommendations{}">',
    ],
)
def test_words_people_see_or_hear_in_attributes_must_be_translated_too(html):
    """A column's name shown on a phone, a label read out, a hint, a description: each is caught."""
    assert untranslated(html.format("", ""), ["Ms Smith"])
    assert not untranslated(html.format(OPEN, CLOSE), ["Ms Smith"])


def test_english_is_the_language_until_a_welsh_catalogue_is_compiled(client, settings):
    """A Welsh browser is shown English, not Django's Welsh month names around English pages."""
    assert settings.LANGUAGES == [("en-gb", "English")]
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="cy,en;q=0.5")
    assert response["Content-Language"] == "en-gb"
    assert '<html lang="en-gb"' in response.content.decode()


@pytest.mark.django_db
def test_every_word_of_the_upload_preview_and_publish_pages_can_be_translated(client, plan, belmarsh_leader):
    """The preview of an edited action plan (an action added, a cell changed, a response changed,
    rows refused for each kind of reason) and the page that publishes the plan."""
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(belmarsh_leader)
    slug = plan.establishment.slug
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("leaders:action-plan-xlsx", args=[slug])).content))
    sheet = workbook["Action plan"]
    col = {cell.value: cell.column for cell in sheet[1]}
    action_row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, col["Action"]).value)
    sheet.cell(action_row, col["Owner"], "Deputy governor")
    sheet.cell(action_row, col["Response"], "Partly accepted")
    sheet.cell(action_row, col["Response reason"], "National contract")
    free = sheet.max_row + 1
    reference = sheet.cell(action_row, col["Reference"]).value
    for offset, (ref, owner, date, status) in enumerate(
        [
            (reference, "Governor", "31/03/2023", "Not started"),
            ("9.99", "Governor", None, None),
            (reference, "x" * 201, "soon", "Nearly"),
            (reference, "G", None, "Done"),
        ]
    ):
        for header, value in (("Reference", ref), ("Action", "A"), ("Owner", owner), ("Target date", date)):
            sheet.cell(free + offset, col[header], value)
        sheet.cell(free + offset, col["Action status"], status)
    out = io.BytesIO()
    workbook.save(out)
    upload = client.post(
        reverse("leaders:plan-upload", args=[slug]), {"file": SimpleUploadedFile("plan.xlsx", out.getvalue())}
    )
    assert upload.status_code == 302
    typed = ["A", "G", "Governor", "Deputy governor", "National contract", "x" * 201]  # the file's, not the site's
    found = {}
    with marked_translations():
        for path in (upload["Location"], reverse("leaders:publish", args=[slug, plan.follows_up.slug])):
            response = client.get(path)
            assert response.status_code == 200, path
            left = untranslated(response.content.decode(), data_strings() + typed)
            if left:
                found[path] = list(dict.fromkeys(left))
    assert not found, "Words outside the translation functions:\n" + "\n".join(f"{p}: {w}" for p, w in found.items())
