"""The permission matrix (issue 13): every role against every state-changing URL of the
inspectors' workspace and the leaders' pages, posted as a browser would. A role that may not
do something is refused (sign-in, 403 or 404) and nothing in the database changes; a role that
may, changes it.

The data: an HMI Prisons–only review of Belmarsh (draft, complete), one Belmarsh action.
"""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from findings.models import Paragraph, ParagraphPart
from findings.publishing import publish_review
from recommendations.models import Establishment
from tests.conftest import build_cast, build_review, rolled_back_afterwards
from tests.leaders_data import date_parts, make_action

ROLES = ["anonymous", "hmi_inspector", "ofsted_inspector", "belmarsh_leader", "other_leader", "superuser"]
INSPECTORS = {"hmi_inspector", "superuser"}  # who may publish and write this HMI Prisons review
LEADER = {"belmarsh_leader"}


def fingerprint():
    """Every row of every project model, as tuples: any write shows as a difference. (Every column
    of each model's table, read in plain SQL: the rows the models' ``values_list()`` gives, at a
    fraction of the ORM's cost, twice in each of the matrix's hundreds of tests.)"""
    rows = {}
    with connection.cursor() as cursor:
        for app_label in ("recommendations", "findings", "auth", "axes"):
            for model in apps.get_app_config(app_label).get_models():
                if model.__name__.startswith("Historical"):
                    continue
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
                rows[model.__name__] = sorted(cursor.fetchall(), key=repr)
    return rows


@pytest.fixture(scope="class")
def world_rows(django_db_setup, django_db_blocker):
    """The world's rows, built once for the class that uses them (in a transaction rolled back
    after its last test); each test runs in a savepoint of its own, so its writes are undone."""
    with rolled_back_afterwards(django_db_blocker):
        with django_db_blocker.unblock():
            belmarsh = Establishment.objects.get_or_create(slug="belmarsh", defaults={"name": "HMP Belmarsh"})[0]
            review = build_review(belmarsh, [("hmi-prisons", "reasonable-progress")], status="draft")
            recommendation = review.judgements.get().recommendation
            action = make_action(recommendation, "Review CCTV", target=datetime.date(2022, 9, 1))
            users = {name: user.pk for name, user in build_cast().items()}
            users["superuser"] = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20).pk
        yield {"review": review.pk, "recommendation": recommendation.pk, "action": action.pk, "users": users}


@pytest.fixture
def world(world_rows, db):
    """Fresh instances of the world's rows for each test (a test may change them)."""
    from recommendations.models import Action, Inspection, Recommendation

    users = get_user_model().objects.in_bulk(world_rows["users"].values())
    return {
        "review": Inspection.objects.get(pk=world_rows["review"]),
        "recommendation": Recommendation.objects.get(pk=world_rows["recommendation"]),
        "action": Action.objects.get(pk=world_rows["action"]),
        "users": {"anonymous": None, **{name: users[pk] for name, pk in world_rows["users"].items()}},
    }


def published(world):
    publish_review(world["review"], by=world["users"]["hmi_inspector"])


def plan_published(world):
    from recommendations.actions import publish_action_plan

    published(world)
    world["plan"] = publish_action_plan(
        world["review"].follows_up, by=world["users"]["belmarsh_leader"], knowingly=True
    )


def leaders(name, **kwargs):
    return reverse(f"leaders:{name}", kwargs={"slug": "belmarsh", **kwargs})


def admin_url(name, *args):
    return reverse(f"admin:{name}", args=args)


# (name, set-up, url, data, roles allowed)
CASES = {
    "publish": (None, lambda w: admin_url("recommendations_inspection_publish", w["review"].pk), {}, INSPECTORS),
    "unpublish": (
        published,
        lambda w: admin_url("recommendations_inspection_unpublish", w["review"].pk),
        {"reason": "A mistake."},
        INSPECTORS,
    ),
    "change publication date": (
        None,
        lambda w: admin_url("recommendations_inspection_change_date", w["review"].pk),
        {"publication-published_on": "2030-01-01", "publication-reason": "Later."},
        INSPECTORS,
    ),
    "delete the summary": (
        None,
        lambda w: admin_url(
            "findings_paragraph_delete", Paragraph.objects.get(inspection=w["review"], part=ParagraphPart.SUMMARY).pk
        ),
        {"post": "yes"},
        INSPECTORS,
    ),
    "bulk delete the summary": (
        None,
        lambda w: admin_url("findings_paragraph_changelist"),
        lambda w: {
            "action": "delete_selected",
            "_selected_action": [Paragraph.objects.get(inspection=w["review"], part=ParagraphPart.SUMMARY).pk],
            "post": "yes",
        },
        INSPECTORS,
    ),
    "delete a judgement's evidence": (
        None,
        lambda w: admin_url("findings_paragraph_delete", w["review"].judgements.get().evidence.get().pk),
        {"post": "yes"},
        INSPECTORS,
    ),
    "delete a recommendation": (
        None,
        lambda w: admin_url("recommendations_recommendation_delete", w["recommendation"].pk),
        {"post": "yes"},
        set(),  # never: it has a judgement and an action (PROTECT), and inspectors never delete one
    ),
    "add an audit event": (
        None,
        lambda w: admin_url("recommendations_auditevent_add"),
        {"action": "published", "summary": "Forged."},
        set(),
    ),
    "respond": (
        published,
        lambda w: leaders("response", pk=w["recommendation"].pk),
        {"decision": "accepted", "reason": ""},
        LEADER,
    ),
    "add an action": (
        published,
        lambda w: leaders("action-add", pk=w["recommendation"].pk),
        {"description": "Train staff"},
        LEADER,
    ),
    "edit an action": (
        published,
        lambda w: leaders("action-edit", pk=w["action"].pk),
        lambda w: {
            "description": "Changed",
            "owner": "Governor",
            **date_parts("2022-09-01", "target_date"),
            "status": "in_progress",
            "version": str(w["action"].version),
        },
        LEADER,
    ),
    "add a progress note": (
        published,
        lambda w: leaders("action-note", pk=w["action"].pk),
        {"text": "Half done."},
        LEADER,
    ),
    "mark an action done": (
        published,
        lambda w: leaders("action-done", pk=w["action"].pk),
        lambda w: {"note": "All trained.", "version": str(w["action"].version)},
        LEADER,
    ),
    "drop an action": (
        published,
        lambda w: leaders("action-drop", pk=w["action"].pk),
        lambda w: {"reason": "Not needed.", "version": str(w["action"].version)},
        LEADER,
    ),
    "publish the action plan": (
        published,
        lambda w: leaders("publish", inspection=w["review"].follows_up.slug),
        {"knowingly": "on"},
        LEADER,
    ),
    "withdraw the action plan": (
        plan_published,
        lambda w: admin_url("recommendations_actionplan_withdraw", w["plan"].pk),
        {"reason": "It names a prisoner."},
        INSPECTORS,
    ),
}

# Issue 21: every add view of the workspace, by model. Whoever may not add the row is refused,
# whatever the form posts; the report text of this HMI Prisons–led review is HMI Prisons'.
SUPERUSER = {"superuser"}
INLINES_EMPTY = {
    f"{prefix}-{name}": value
    for prefix in ("team", "healthy_prison_scores")
    for name, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MIN_NUM_FORMS", "0"), ("MAX_NUM_FORMS", "1000"))
}


def hmi(w):
    return w["recommendation"].inspectorate_id


def summary_of(w):
    return Paragraph.objects.get(inspection=w["review"], part=ParagraphPart.SUMMARY).pk


ADD_CASES = {
    "auth.group": ({"name": "Editors"}, SUPERUSER),
    "auth.user": (
        {"username": "new.person", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"},
        SUPERUSER,
    ),
    "axes.accessattempt": ({}, set()),
    "axes.accesslog": ({}, set()),
    "axes.accessfailurelog": ({}, set()),
    "recommendations.establishment": ({"name": "HMP Brixton", "slug": "brixton", "type": "prison"}, SUPERUSER),
    "recommendations.inspectorate": ({"name": "Care Inspectorate", "short_name": "CI", "slug": "ci"}, SUPERUSER),
    "recommendations.inspection": (
        lambda w: (
            {"establishment": w["review"].establishment_id, "kind": "full", "slug": "inspection-2025"} | INLINES_EMPTY
        ),
        {"hmi_inspector", "ofsted_inspector", "superuser"},
    ),
    "recommendations.recommendation": (
        lambda w: {
            "inspection": w["review"].follows_up_id,
            "inspectorate": hmi(w),
            "kind": "recommendation",
            "area": "Safety",
            "concern": "A concern.",
            "text": "Do better.",
            "reference": "1.77",
            "action_by": "establishment",
            "position": "9",
        },
        INSPECTORS,
    ),
    # A plan is published by its leaders (or withdrawn by an inspector) on their own pages only.
    "recommendations.actionplan": (lambda w: {"inspection": w["review"].follows_up_id}, set()),
    "recommendations.actionplanwithdrawal": (lambda w: {"reason": "Forged."}, set()),
    "recommendations.planupload": ({}, set()),
    # A coming review is announced by its lead inspectorate (HMI Prisons here).
    "recommendations.reviewannouncement": (
        lambda w: {
            "inspection": w["review"].follows_up_id,
            "planned_month": "2023-03-01",
            "recommendations": [w["recommendation"].pk],
        },
        INSPECTORS,
    ),
    # Followers, their subscriptions and the send log are the alerts' own: read-only everywhere.
    "alerts.subscriber": ({"email": "forged@example.org"}, set()),
    "alerts.subscription": ({"topic": "all"}, set()),
    "alerts.delivery": ({}, set()),
    # The report files as published are kept by imports only.
    "findings.reportsource": ({}, set()),
    "recommendations.response": (
        lambda w: {"recommendation": w["recommendation"].pk, "decision": "accepted", "reason": ""},
        SUPERUSER,
    ),
    "recommendations.action": (
        lambda w: {
            "recommendation": w["recommendation"].pk,
            "description": "Train staff",
            "status": "not_started",
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
            "date_changes-TOTAL_FORMS": "0",
            "date_changes-INITIAL_FORMS": "0",
        },
        SUPERUSER,
    ),
    "recommendations.unpublication": (lambda w: {"inspection": w["review"].pk, "reason": "Forged."}, set()),
    "recommendations.teammember": (
        lambda w: {
            "inspection": w["review"].pk,
            "name": "Ann Other",
            "role": "Inspector",
            "inspectorate": hmi(w),
            "position": "5",
        },
        INSPECTORS,
    ),
    "recommendations.healthyprisonscore": (
        lambda w: {"inspection": w["review"].follows_up_id, "test": "respect", "score": "3"},
        INSPECTORS,
    ),
    "recommendations.progressnote": (lambda w: {"action": w["action"].pk, "text": "Forged."}, set()),
    "recommendations.targetdatechange": (lambda w: {"action": w["action"].pk, "reason": "Forged."}, set()),
    "recommendations.reminderlog": ({}, set()),
    "recommendations.auditevent": ({"action": "published", "summary": "Forged."}, set()),
    "findings.progresslevel": (
        lambda w: {"inspectorate": hmi(w), "rank": "9", "label": "Outstanding", "slug": "out", "definition": "x"},
        SUPERUSER,
    ),
    "findings.judgement": (lambda w: {"review": w["review"].pk, "position": "1"}, set()),
    "findings.paragraph": (
        lambda w: {"inspection": w["review"].pk, "number": "1.9", "part": "summary", "text": "Added."},
        INSPECTORS,
    ),
    "findings.notablepractice": (lambda w: {"paragraph": summary_of(w), "title": "Good work"}, INSPECTORS),
    "findings.glossaryentry": (
        lambda w: {"review": w["review"].pk, "term": "ACCT", "definition": "A care plan.", "position": "1"},
        INSPECTORS,
    ),
    "findings.sectionintroduction": (
        lambda w: {"review": w["review"].pk, "inspectorate": hmi(w), "text": "Our part."},
        SUPERUSER,
    ),
}
# More than one way to add the same model: each is a door of its own.
EXTRA_ADD_CASES = {
    "evidence for a judgement": (
        "findings.paragraph",
        lambda w: {
            "inspection": w["review"].pk,
            "number": "3.9",
            "part": "evidence",
            "judgement": w["review"].judgements.get().pk,
            "text": "Added evidence.",
        },
        INSPECTORS,
    ),
    # Finding 1: evidence posted with no judgement was created, and public at once.
    "evidence with no judgement": (
        "findings.paragraph",
        lambda w: {"inspection": w["review"].pk, "number": "3.9", "part": "evidence", "text": "Forged."},
        set(),
    ),
}
for _label, (_data, _allowed) in ADD_CASES.items():
    CASES[f"add {_label}"] = (
        None,
        lambda w, label=_label: admin_url(f"{label.replace('.', '_')}_add"),
        _data,
        _allowed,
    )
for _name, (_label, _data, _allowed) in EXTRA_ADD_CASES.items():
    CASES[f"add {_name}"] = (None, lambda w, label=_label: admin_url(f"{label.replace('.', '_')}_add"), _data, _allowed)


def test_the_matrix_covers_every_add_view_of_the_workspace():
    from django.contrib import admin

    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(ADD_CASES)


def test_an_inspector_may_not_delete_even_their_own_inspectorates_recommendation(
    client, make_review, belmarsh, hmi_inspector
):
    """Finding 7: inspectors never delete a recommendation (it carries the prison's response and
    actions); they correct it instead. No delete link, and a posted deletion is refused."""
    from recommendations.models import Recommendation

    recommendation = make_review(belmarsh, [("hmi-prisons", "good-progress")]).judgements.get().recommendation
    client.force_login(hmi_inspector)
    url = admin_url("recommendations_recommendation_delete", recommendation.pk)
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Recommendation.objects.filter(pk=recommendation.pk).exists()
    change = client.get(admin_url("recommendations_recommendation_change", recommendation.pk)).content.decode()
    assert "deletelink" not in change


# Issue 21: the upload is a door too. Every role uploads another prison's report and confirms it;
# only whoever may write its report text (its lead inspectorate, HMI Prisons) creates the review.
UPLOADERS = {"hmi_inspector", "superuser"}


@pytest.fixture(scope="module")
def brixton_pdf():
    from tests.conftest import SEED_REPORT
    from tests.typeset import typeset

    return typeset(SEED_REPORT.read_text(encoding="utf-8").replace("Belmarsh", "Brixton"), "a4")


class TestEveryRoleAgainstTheWorld:
    """The tests on the world's rows, and only they: the rows live as long as the class."""

    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("case", sorted(CASES))
    def test_every_role_against_every_state_changing_url(self, world, case, role):
        setup, url, data, allowed = CASES[case]
        if setup:
            setup(world)
        url = url(world)
        data = data(world) if callable(data) else data
        client = Client()
        if world["users"][role] is not None:
            client.force_login(world["users"][role])
        before = fingerprint()

        response = client.post(url, data)

        after = fingerprint()
        if role in allowed:
            assert response.status_code in (200, 302), f"{role} {case}: {response.status_code}"
            assert after != before, f"{role} may {case}, but nothing changed"
        else:
            if role == "anonymous":
                assert response.status_code == 302
                assert "/login/" in response["Location"] or "/sign-in/" in response["Location"]
            else:
                assert response.status_code in (200, 302, 403, 404), f"{role} {case}: {response.status_code}"
            assert after == before, f"{role} must not {case}, but the database changed"

    @pytest.mark.parametrize("role", ROLES)
    def test_every_role_against_the_upload(self, world, role, brixton_pdf, tmp_path, monkeypatch):
        import re

        from django.core.files.uploadedfile import SimpleUploadedFile

        from reports import upload

        monkeypatch.setattr(upload, "FOLDER", tmp_path / "uploads")
        client = Client()
        if world["users"][role] is not None:
            client.force_login(world["users"][role])
        before = fingerprint()
        preview = client.post(reverse("reports:import"), {"report": SimpleUploadedFile("brixton.pdf", brixton_pdf)})
        token = re.search(r'name="token" value="([^"]+)"', preview.content.decode())
        response = client.post(reverse("reports:import-confirm"), {"token": token.group(1) if token else "forged"})
        after = fingerprint()
        if role in UPLOADERS:
            assert preview.status_code == 200 and response.status_code == 302, (
                preview.status_code,
                response.status_code,
            )
            assert after != before
        else:
            if role == "anonymous":
                assert preview.status_code == 302 and "login" in preview["Location"]
            elif role == "ofsted_inspector":
                assert preview.status_code == 400  # the new review is HMI Prisons' to create
                assert "Nothing was imported" in preview.content.decode()
            else:
                assert preview.status_code in (302, 403), preview.status_code
            assert after == before, f"{role} must not import, but the database changed"
