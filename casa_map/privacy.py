"""The information notice of Morocco's law 09-08 (article 5): who controls the data, why it is
collected, who receives it, how long it is kept, the rights and how to use them, the CNDP
declaration. The one source of the short notice on each form, the /privacy/ page and the API
documentation; every fact comes from the settings (PRIVACY_*, RETENTION_*)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Notice:
    controller: str
    address: str
    contact_email: str
    cndp_declaration: str
    contact_days: int
    photo_days: int
    rejected_days: int


def notice() -> Notice:
    """The notice's facts in the active language (the controller's Arabic name in Arabic)."""
    arabic = (get_language() or "fr").startswith("ar")
    return Notice(
        controller=settings.PRIVACY_CONTROLLER_AR if arabic else settings.PRIVACY_CONTROLLER,
        address=settings.PRIVACY_CONTROLLER_ADDRESS,
        contact_email=settings.PRIVACY_CONTACT_EMAIL,
        cndp_declaration=settings.PRIVACY_CNDP_DECLARATION,
        contact_days=settings.RETENTION_CONTACT_DAYS,
        photo_days=settings.RETENTION_PHOTO_ORIGINAL_DAYS,
        rejected_days=settings.RETENTION_REJECTED_DAYS,
    )


def operators() -> list[str]:
    """The delegated operators, recipients of the reports they handle (the full notice)."""
    from districts.models import Authority  # settings import casa_map before the apps are ready

    return [
        operator.name
        for operator in Authority.objects.filter(kind=Authority.Kind.OPERATOR).order_by("slug")
    ]


def short_text(facts: Notice) -> str:
    """The notice in a few sentences (forms and the API documentation)."""
    return _(
        "Controller: %(controller)s. Your report and contact details are used to handle the "
        "problem and to keep you informed; they are received by the arrondissement and, with "
        "your consent, by the delegated operator in charge. Contact details are erased "
        "%(days)s days after the report is closed. You may access, correct or object to the "
        "processing of your data: %(email)s. CNDP declaration no. %(declaration)s."
    ) % {
        "controller": facts.controller,
        "days": facts.contact_days,
        "email": facts.contact_email,
        "declaration": facts.cndp_declaration,
    }


def api_description() -> str:
    """The notice in French and in Arabic, for the filing endpoints' documentation."""
    parts = []
    for language in ("fr", "ar"):
        with translation.override(language):
            facts = notice()
            # Outside the f-string: xgettext (makemessages) does not read calls inside one.
            heading, full = _("Personal data (law 09-08)"), _("Full notice")
            parts.append(
                f"**{heading}** — {short_text(facts)} "
                f"{full}: {settings.SITE_URL}{reverse('privacy')}"
            )
    return "\n\n".join(parts)
