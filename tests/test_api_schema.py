"""The API keeps its contract: schemathesis calls every operation of the OpenAPI schema with
generated and hostile values of every documented parameter, and no response is a server error
or differs from what the schema says (status, content type, headers, body).

Bounded for a small shared machine: a few examples per operation (the whole run stays well
under a minute)."""

from unittest import mock

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import api_data

MAX_EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def operations():
    """Every operation of the schema, read once from the app when the tests are collected: with no
    database to read then, its filters' values (enums from published data) are left out."""
    with mock.patch("public.api.schema.schema_choices", return_value=None):
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
        return [result.ok() for result in schema.get_all_operations()]


_WITH_DATA = {}


def with_data(operation):
    """The same operation in the schema served over the test's data: its filters list the
    published values (enums), so generated requests use them. Read once (the data is the same
    in every test)."""
    if "schema" not in _WITH_DATA:
        _WITH_DATA["schema"] = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    return _WITH_DATA["schema"][operation.path][operation.method.upper()]


@pytest.fixture
def keep_connection():
    """Schemathesis calls the WSGI application itself, whose request signals would close the
    test's database connection mid-transaction (PostgreSQL); Django's test client disconnects
    them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def can_be_wrong(operation):
    """Whether a value can break the schema: a query parameter, or a path id that must be a number.
    (A slug in the path is any string, so no value of it is hostile to the schema.)"""
    parameters = operation.definition.raw.get("parameters", [])
    return any(p["in"] == "query" or p.get("schema", {}).get("type") == "integer" for p in parameters)


OPERATIONS = operations()
CASES = [(operation, GenerationMode.POSITIVE) for operation in OPERATIONS] + [
    (operation, GenerationMode.NEGATIVE) for operation in OPERATIONS if can_be_wrong(operation)
]


@pytest.mark.parametrize(
    ("operation", "mode"), CASES, ids=[f"{mode.value} {op.method.upper()} {op.path}" for op, mode in CASES]
)
def test_every_operation_keeps_to_the_schema(db, make_review, keep_connection, operation, mode):
    """No 500 and no response outside the schema, with values that fit the schema and hostile
    ones that do not (wrong types, out of range, odd characters)."""
    api_data.build(make_review)
    operation = with_data(operation)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    def call(case):
        case.call_and_validate(checks=CHECKS)

    call()


def test_schema_documents_every_collection(client, db):
    """The schema is OpenAPI 3 and names each resource of the API."""
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    for path in (
        "/api/v1/establishments/",
        "/api/v1/establishments/{slug}/",
        "/api/v1/inspections/",
        "/api/v1/inspections/{id}/",
        "/api/v1/inspections/{id}/action-plan/",
        "/api/v1/recommendations/",
        "/api/v1/recommendations/{id}/",
        "/api/v1/judgements/",
        "/api/v1/judgements/{id}/",
        "/api/v1/paragraphs/",
        "/api/v1/notable-practice/",
        "/api/v1/scales/",
        "/api/v1/scales/{slug}/",
    ):
        assert path in paths, path
    parameters = {p["name"] for p in document["paths"]["/api/v1/recommendations/"]["get"]["parameters"]}
    assert {"q", "establishment", "inspectorate", "area", "judgement", "year", "cursor", "page_size"} <= parameters
    assert "Open Government Licence" in document["info"]["license"]["name"]


def test_docs_are_served_without_a_cdn_or_inline_script(client):
    """/api/docs/ loads Swagger UI from this site's own static files, and its script from a URL."""
    page = client.get("/api/docs/").content.decode()
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "<script>" not in page and "<style>" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
