"""drf-spectacular post-processing:

- every operation documents the errors the API gives, in the one shape ``public.api.errors``
  writes (a ``detail`` sentence, and ``errors`` per parameter), with an example of each;
- every operation has an example request (in its description) and response (from the Belmarsh
  data, ``examples.json``), in place of the framework's stock ones;
- the filters whose values come from published data list them (``enum``), so the documentation
  offers choices: judgement levels, inspectorates, areas (by slug), establishments and types.
"""

import json
from pathlib import Path

from django.db import DatabaseError

from common import clock
from recommendations.models import EstablishmentType

# Each operation's example request and its response on the Belmarsh data; tests/test_api_examples.py
# runs every request and checks (or rewrites) the response.
EXAMPLES_PATH = Path(__file__).with_name("examples.json")
EXAMPLES = json.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))

ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in a sentence."},
        "errors": {
            "type": "object",
            "description": "For a refused request: each parameter's problems.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}

RESPONSES = {
    "400": (
        "A parameter was refused: one the endpoint does not have, one given twice, a value it cannot use "
        "(an unknown choice, a page size outside 1 to 200) or a cursor that is not a `next` or `previous` "
        "link's. "
        "`errors` names each parameter.",
        {
            "detail": "The request's parameters were refused: see errors.",
            "errors": {"is_open": ["This endpoint has no parameter of that name. It takes: …"]},
        },
    ),
    "404": (
        "No such published resource (drafts and embargoed reviews do not exist here).",
        {"detail": "No Recommendation matches the given query."},
    ),
    "429": (
        "Too many requests from one address: wait the number of seconds in `Retry-After`.",
        {
            "detail": "Too many requests: anonymous clients may make 120 requests a minute from one address. "
            "Try again in 42 seconds."
        },
    ),
}

# Which published values each query parameter takes (``public.api.filters.api_choices``).
ENUMS = {
    "judgement": "level",
    "level": "level",
    "inspectorate": "inspectorate",
    "area": "area",
    "establishment": "establishment",
}


def schema_choices():
    """The filters' values from published data, or None where no database can be read (a
    schema generated offline): the parameters are then documented without them."""
    from public.api.filters import api_choices

    try:
        choices = api_choices(clock.today())
    except DatabaseError:
        return None
    return {name: [value for value, _ in options] for name, options in choices.items() if name != "area_labels"}


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"$ref": "#/components/schemas/Error"}
    choices = schema_choices()
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, (description, example) in RESPONSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": reference, "examples": {"error": {"value": example}}}
                        },
                    },
                )
            responses["429"]["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
            }
            add_example(operation)
            add_enums(operation, choices)
    return result


def add_example(operation):
    example = EXAMPLES.get(operation.get("operationId"))
    if example is None:
        return
    request = example["request"]
    operation["description"] = (
        operation.get("description", "").rstrip() + f"\n\n**Example request:** `{request}` (HMP Belmarsh's data)."
    ).strip()
    content = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json")
    if content is not None:
        content["examples"] = {"belmarsh": {"summary": request, "value": example["response"]}}


def add_enums(operation, choices):
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "query":
            continue
        name = parameter["name"]
        schema = parameter.setdefault("schema", {"type": "string"})
        if name == "type":
            schema["enum"] = list(EstablishmentType.values)
        elif choices and name in ENUMS and choices.get(ENUMS[name]):
            schema["enum"] = choices[ENUMS[name]]
            schema.pop("maxLength", None)
