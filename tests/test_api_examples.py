"""The API documentation's examples are true: each operation's example request, run against the
Belmarsh data (the fixture `make run` loads), answers exactly the example response the schema and
/api/docs/ show. An analyst who copies an example gets what the documentation promised.

After a change to the fixture or to the API's fields, rewrite the examples from the data with
``UPDATE_API_EXAMPLES=1 .venv/bin/python -m pytest -n 0 tests/test_api_examples.py`` and read
the diff before committing it."""

import datetime
import json
import os

import pytest
from django.core.management import call_command

from public.api import schema
from recommendations import actions as domain
from recommendations.models import Inspection, Recommendation

HOST = "tracker.example.org"
# What the data cannot fix, taken from the example: when the plan, its response and action were
# written, and the action's id (a database sequence, which other tests move on PostgreSQL).
TIMES = ("published_at", "updated_at")
UNFIXED_IN = {"actions": ("id",)}


@pytest.fixture
def belmarsh_data(db):
    call_command("loaddata", "belmarsh", verbosity=0)
    # The Belmarsh data holds no action plan: the example's, recorded as a leader would.
    recommendation = Recommendation.objects.get(reference="1.39")
    domain.record_response(recommendation, decision="accepted")
    action = domain.add_action(
        recommendation,
        description="Review every use of force within 72 hours, with body-worn camera footage.",
        owner="Head of safety",
        target_date=datetime.date(2022, 12, 31),
    )
    action = domain.update_action(
        action,
        description=action.description,
        owner=action.owner,
        target_date=action.target_date,
        status="in_progress",
    )
    domain.add_progress_note(
        action,
        "Weekly scrutiny meeting started; footage reviewed for 80% of incidents.",
        noted_on=datetime.date(2022, 9, 1),
    )
    domain.publish_action_plan(Inspection.objects.get(pk=recommendation.inspection_id), knowingly=True)


def with_times_of(actual, example, unfixed=TIMES):
    """``actual`` with the example's value wherever a value the data cannot fix stands."""
    if isinstance(actual, dict) and isinstance(example, dict):
        return {
            key: example[key]
            if key in unfixed and key in example
            else with_times_of(value, example.get(key), TIMES + UNFIXED_IN.get(key, ()))
            for key, value in actual.items()
        }
    if isinstance(actual, list) and isinstance(example, list) and len(actual) == len(example):
        return [with_times_of(a, e, unfixed) for a, e in zip(actual, example, strict=True)]
    return actual


def first_difference(actual, example, path=""):
    """Where two JSON values first differ, and how: ``results.0.id: 7 != 3``."""
    if isinstance(actual, dict) and isinstance(example, dict):
        for key in [*actual, *(k for k in example if k not in actual)]:
            if actual.get(key, "(missing)") != example.get(key, "(missing)"):
                return first_difference(actual.get(key, "(missing)"), example.get(key, "(missing)"), f"{path}.{key}")
    if isinstance(actual, list) and isinstance(example, list) and len(actual) == len(example):
        for index, (a, e) in enumerate(zip(actual, example, strict=True)):
            if a != e:
                return first_difference(a, e, f"{path}.{index}")
    return f"{path.lstrip('.')}: {str(actual)[:80]} != {str(example)[:80]}"


def test_every_example_response_is_what_its_request_answers(client, belmarsh_data, settings):
    settings.ALLOWED_HOSTS = [HOST]
    examples = json.loads(schema.EXAMPLES_PATH.read_text(encoding="utf-8"))
    rewritten, wrong = {}, []
    for operation, example in examples.items():
        method, path = example["request"].split(" ", 1)
        assert method == "GET"
        response = client.get(path, HTTP_HOST=HOST, secure=True)
        assert response.status_code == 200, (operation, path, response.content[:300])
        actual = with_times_of(response.json(), example["response"])
        rewritten[operation] = {**example, "response": actual}
        if actual != example["response"]:
            wrong.append((operation, first_difference(actual, example["response"])))
    if os.environ.get("UPDATE_API_EXAMPLES") == "1":
        schema.EXAMPLES_PATH.write_text(json.dumps(rewritten, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    assert wrong == [], f"examples that differ from what their request answers: {wrong}"


def test_every_operation_has_an_example(client, db):
    examples = json.loads(schema.EXAMPLES_PATH.read_text(encoding="utf-8"))
    document = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operations = {
        operation["operationId"]
        for path, item in document["paths"].items()
        for operation in item.values()
        if path != "/api/v1/schema/"
    }
    assert operations == set(examples)
