"""The subscription form, for the three kinds of alert; checks everything on the server."""

from __future__ import annotations

from django import forms
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _

from casa_map import inputs
from districts.selectors import active_categories, arrondissements
from issues.selectors import public_complaints

from .models import Alert

RADIUS_CHOICES = [
    (250, _("250 m")),
    (500, _("500 m")),
    (1000, _("1 km")),
    (2000, _("2 km")),
]


class AlertForm(forms.Form):
    kind = forms.ChoiceField(choices=Alert.Kind.choices, widget=forms.HiddenInput)
    email = forms.EmailField(label=_("Your e-mail address"), required=False)
    reference = inputs.TextField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    radius_m = forms.TypedChoiceField(
        label=_("Distance"), choices=RADIUS_CHOICES, coerce=int, initial=500, required=False
    )
    arrondissement = forms.ModelChoiceField(
        label=_("Arrondissement"),
        queryset=arrondissements().order_by("name_fr"),
        to_field_name="slug",
        required=False,
        empty_label=_("Choose an arrondissement"),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Only these categories (none chosen: all)"),
        queryset=active_categories(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.is_authenticated:
            self.fields["email"].initial = user.email
            self.fields["email"].help_text = _(
                "Alerts to your account's address need no confirmation."
            )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if not cleaned.get("email"):
            if self.user is not None and self.user.is_authenticated:
                cleaned["email"] = self.user.email
            else:
                self.add_error("email", _("Give the e-mail address the alerts should go to."))
        if kind == Alert.Kind.REPORT:
            reference = (cleaned.get("reference") or "").strip().upper()
            complaint = public_complaints().filter(reference=reference).first()
            if complaint is None:
                raise forms.ValidationError(_("No report has this tracking code."))
            cleaned["complaint"] = complaint
        elif kind == Alert.Kind.NEARBY:
            lat, lon = cleaned.get("lat"), cleaned.get("lon")
            if lat is None or lon is None:
                raise forms.ValidationError(_("Choose the place on the map or by searching it."))
            lat, lon = inputs.coordinates(lat, lon)
            if not cleaned.get("radius_m"):
                self.add_error("radius_m", _("Choose a distance between 50 m and 2 km."))
            cleaned["point"] = Point(lon, lat, srid=4326)
        elif kind == Alert.Kind.ARRONDISSEMENT and cleaned.get("arrondissement") is None:
            self.add_error("arrondissement", _("Choose an arrondissement."))
        return cleaned

    def subscription(self) -> dict:
        """The arguments of alerts.services.subscribe (call after is_valid())."""
        cleaned = self.cleaned_data
        fields = {"kind": cleaned["kind"], "email": cleaned["email"]}
        if cleaned["kind"] == Alert.Kind.REPORT:
            fields["complaint"] = cleaned["complaint"]
        elif cleaned["kind"] == Alert.Kind.NEARBY:
            fields |= {"point": cleaned["point"], "radius_m": cleaned["radius_m"]}
            fields["categories"] = cleaned.get("categories") or []
        else:
            fields["arrondissement"] = cleaned["arrondissement"]
            fields["categories"] = cleaned.get("categories") or []
        return fields
