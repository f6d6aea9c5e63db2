"""Domain errors of the districts app; each interface translates them (form, JSON, Open311)."""

from django.utils.translation import gettext_lazy as _


class OutsideServiceArea(Exception):
    """The point is in none of Casablanca's 16 arrondissements (outside the commune, at sea, or in
    the Méchouar enclave, which is a commune of its own)."""

    code = "outside_service_area"
    message = _("This location is outside Casablanca's service area.")

    def __str__(self) -> str:
        return str(self.message)
