"""Ready-made replies staff pick on a complaint's page (managed in the Django admin)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ResponseTemplate(models.Model):
    """A reply in French and Arabic. With no category and no authority it is offered on every
    report; a category or an authority narrows it to that category's or that authority's reports.

    The texts may name {reference}, {acknowledge_by}, {answer_by}, {category} and {authority}:
    staff.selectors.response_templates_for fills them for one report.
    """

    category = models.ForeignKey(
        "districts.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="response_templates",
        help_text=_("Empty: offered whatever the category."),
    )
    authority = models.ForeignKey(
        "districts.Authority",
        verbose_name=_("authority"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="response_templates",
        help_text=_("Empty: offered to every authority."),
    )
    title = models.CharField(_("title"), max_length=120)
    text_fr = models.TextField(_("text (French)"))
    text_ar = models.TextField(_("text (Arabic)"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def text(self) -> str:
        """The text in the active language (French unless the page is Arabic)."""
        return self.text_ar if (get_language() or "").startswith("ar") else self.text_fr
