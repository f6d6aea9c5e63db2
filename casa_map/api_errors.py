"""The one JSON answer for a refused query parameter, shared by every API view: it names the
parameter and, when the parameter takes one of a known set of values, lists them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


def invalid_parameter_body(checked: forms.Form | serializers.Serializer) -> dict:
    """The first refused parameter of a validated form or serializer (after is_valid())."""
    parameter, messages = next(iter(checked.errors.items()))
    body = {
        "error": f"{parameter}: {messages[0]}",
        "code": "invalid_parameter",
        "parameter": parameter,
    }
    accepted = accepted_values(checked.fields.get(parameter))
    if accepted:
        body["accepted"] = accepted
        body["error"] += " " + _("Accepted values: %(values)s.") % {"values": ", ".join(accepted)}
    return body


def invalid_parameter(checked: forms.Form | serializers.Serializer) -> Response:
    return Response(invalid_parameter_body(checked), status=status.HTTP_400_BAD_REQUEST)


def accepted_values(field) -> list[str] | None:
    """The values a choice-like field accepts, sorted; None for free fields (numbers, text)."""
    if isinstance(field, forms.ModelChoiceField):
        key = field.to_field_name or "pk"
        return sorted(str(value) for value in field.queryset.values_list(key, flat=True))
    if isinstance(field, forms.ChoiceField):
        return [str(value) for value, _label in field.choices if value != ""]
    if isinstance(field, serializers.SlugRelatedField):
        return sorted(field.get_queryset().values_list(field.slug_field, flat=True))
    if isinstance(field, serializers.ChoiceField):
        return [str(value) for value in field.choices]
    return None


class InvalidParameter(exceptions.APIException):
    """A refused query parameter, raised from filter backends; answered with the body above."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameter"

    def __init__(self, body: dict):
        self.body = body
        super().__init__(body["error"])


def parameter_error(parameter: str, message) -> InvalidParameter:
    """A refused query parameter that has no form behind it (a box, a cursor), to raise."""
    return InvalidParameter(
        {"error": f"{parameter}: {message}", "code": "invalid_parameter", "parameter": parameter}
    )


def api_exception_handler(exc, context) -> Response | None:
    """Every API error in one JSON shape: `error` (a sentence in the caller's language), `code`
    (stable, for programs) and, for refused fields, `fields` ({name: [messages]})."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, InvalidParameter):
        response.data = exc.body
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = refused_fields_body(_field_messages(exc.detail))
        return response
    detail = getattr(exc, "detail", "")
    code = exc.get_codes() if hasattr(exc, "get_codes") else "error"
    response.data = {"error": str(detail), "code": code if isinstance(code, str) else "error"}
    return response


def refused_fields_body(fields: dict[str, list[str]]) -> dict:
    """Refused fields ({name: [messages]}) in the error shape, the first one as the sentence."""
    first_field, first_messages = next(iter(fields.items()), ("", [""]))
    prefix = "" if first_field in ("", "non_field_errors") else f"{first_field}: "
    return {"error": f"{prefix}{first_messages[0]}", "code": "invalid", "fields": fields}


def form_errors(form: forms.Form) -> Response:
    """A Django form's refusal (the API reuses the pages' forms) in the same shape."""
    fields = {
        ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }
    return Response(refused_fields_body(fields), status=status.HTTP_400_BAD_REQUEST)


def _field_messages(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(name): [str(message) for message in _flatten(messages)]
            for name, messages in detail.items()
        }
    return {"non_field_errors": [str(message) for message in _flatten(detail)]}


def _flatten(messages) -> list:
    if isinstance(messages, dict):
        return [item for value in messages.values() for item in _flatten(value)]
    if isinstance(messages, list | tuple):
        return [item for value in messages for item in _flatten(value)]
    return [messages]


def domain_error(message, code: str, http_status: int = 400, **extra) -> Response:
    """A refusal by the domain (services, routing), in the same shape as every other error."""
    return Response({"error": str(message), "code": code, **extra}, status=http_status)


class ErrorSerializer(serializers.Serializer):
    """The shape of every API error (for the OpenAPI schema)."""

    error = serializers.CharField(help_text="What went wrong, in the caller's language (fr/ar).")
    code = serializers.CharField(help_text="A stable identifier, e.g. invalid_parameter.")
    parameter = serializers.CharField(required=False, help_text="The refused query parameter.")
    accepted = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="The values it accepts."
    )
    allowed = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="For a refused status change: the statuses the complaint may move to.",
    )
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Refused fields and their messages.",
    )


def object_body(request):
    """The request's body when it is one object (JSON) or a form; anything else is a 400. Of a
    form, its fields without the files (those are request.FILES): DRF's `data` holds both, and
    copying it would deep-copy (pickle) an upload spooled to a temporary file."""
    if not isinstance(request.data, dict):  # a form's QueryDict is a dict too
        raise exceptions.ValidationError(
            {"non_field_errors": [_("Send one JSON object, or a form.")]}
        )
    if hasattr(request.data, "getlist"):
        return request.POST
    return request.data
