"""Completes the OpenAPI schema drf-spectacular generates with the errors every operation can
answer, in the one error shape (casa_map.api_errors.ErrorSerializer, the `Error` component):
views document their successes and their own refusals; those common to all are added here."""

from __future__ import annotations

ERROR_REF = {"$ref": "#/components/schemas/Error"}
COMMON = {
    "400": "A refused parameter, field or character (e.g. NUL), or unreadable JSON.",
    "404": "Nothing has this code, is at this place, or is on this page (or in your scope).",
}
WRITES = {"429": "Too many writes: try again after Retry-After seconds."}
STAFF = {
    "401": "No valid token or session.",
    "403": "Signed in, but not a staff member of an authority.",
}


def document_errors(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook (POSTPROCESSING_HOOKS)."""
    if "Error" not in result.get("components", {}).get("schemas", {}):
        raise ValueError("ErrorSerializer is referenced by no view: the Error component is missing")
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            extra = dict(COMMON)
            if method != "get":
                extra |= WRITES
            if path.startswith("/api/v1/staff/"):
                extra |= STAFF
            responses = operation.setdefault("responses", {})
            for code, description in extra.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return result


# Operations that collect personal data: their documentation carries the law 09-08 notice.
FILING_OPERATIONS = {("/api/v1/complaints/", "post")}


def document_privacy(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: the information notice (casa_map.privacy) in
    French and Arabic on the operations that collect personal data."""
    from casa_map import privacy

    notice = privacy.api_description()
    for path, method in FILING_OPERATIONS:
        operation = result.get("paths", {}).get(path, {}).get(method)
        if operation is not None:
            operation["description"] = f"{operation.get('description', '')}\n\n{notice}".strip()
    return result
