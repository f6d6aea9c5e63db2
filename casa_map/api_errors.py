"""The one JSON answer for a refused query parameter, shared by every API view: it names the
parameter and, when the parameter takes one of a known set of values, lists them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.response import Response


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
