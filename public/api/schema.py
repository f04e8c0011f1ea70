"""drf-spectacular post-processing: every operation documents the errors the API gives, in the
one shape ``public.api.errors`` writes (a ``detail`` sentence, and ``errors`` per parameter)."""

ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in a sentence."},
        "errors": {
            "type": "object",
            "description": "For a refused filter: each parameter's problems.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}

RESPONSES = {
    "400": "A filter or search parameter was refused (see `errors`).",
    "404": "No such published resource (drafts and embargoed reviews do not exist here).",
    "429": "Too many requests from one address: wait the number of seconds in `Retry-After`.",
}


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in RESPONSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
            responses["429"]["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
            }
    return result
