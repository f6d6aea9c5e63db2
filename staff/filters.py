"""The queue's filters and sorting (django-filter), applied on top of the user's scope."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Case, F, Q, Value, When
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import DateRangeWidget

from districts.models import Category
from issues.models import OPEN_STATUSES, Complaint


class LabelledDateRangeWidget(DateRangeWidget):
    """Two date inputs, each with its own accessible name (the field has one visible label)."""

    def __init__(self):
        super().__init__(attrs={"type": "date"})
        self.widgets[0].attrs["aria-label"] = _("Received from")
        self.widgets[1].attrs["aria-label"] = _("Received until")


class QueueFilter(django_filters.FilterSet):
    # distinct=False: a status filter cannot duplicate rows, and DISTINCT over a large queue
    # costs more than the page itself.
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=Complaint.Status.choices, distinct=False
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.all(),
        to_field_name="code",
        empty_label=_("All categories"),
    )
    channel = django_filters.ChoiceFilter(
        label=_("Received by"),
        choices=Complaint.Channel.choices,
        empty_label=_("every channel"),
    )
    created = django_filters.DateFromToRangeFilter(
        label=_("Received between"),
        field_name="created_at__date",
        widget=LabelledDateRangeWidget(),
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="filter_overdue")
    recurring = django_filters.BooleanFilter(
        label=_("Recurring only"),
        method="filter_recurring",
        help_text=_("Reported again where the same problem was fixed a few weeks before."),
    )
    assigned = django_filters.ChoiceFilter(
        label=_("Assigned"),
        choices=[("me", _("to me")), ("nobody", _("to nobody"))],
        method="filter_assigned",
        empty_label=_("anyone"),
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("created_at", "created"),
            ("acknowledge_by", "acknowledge_by"),
            ("answer_by", "answer_by"),
            ("support_count", "supports"),
        ),
        field_labels={
            "created_at": _("date received"),
            "acknowledge_by": _("acknowledgement deadline"),
            "answer_by": _("answer deadline"),
            "support_count": _("supports"),
        },
    )

    class Meta:
        model = Complaint
        fields = ["status", "category"]

    def filter_overdue(self, queryset, name, value):
        return (
            queryset.filter(Complaint.overdue_condition(timezone.localdate()))
            if value
            else queryset
        )

    def filter_recurring(self, queryset, name, value):
        return queryset.filter(recurrence_of__isnull=False) if value else queryset

    def filter_assigned(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assigned_to=self.request.user)
        if value == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__iexact=value) | Q(title__icontains=value) | Q(description__icontains=value)
        )


# The queue page's sorts: (value, label, ORDER BY). The first is the default.
DEADLINE = Case(
    When(status=Complaint.Status.SUBMITTED, then=F("acknowledge_by")),
    default=F("answer_by"),
)
OPEN_FIRST = Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1))
PAGE_SORTS = [
    ("deadline", _("most overdue first"), (OPEN_FIRST, DEADLINE, "created_at", "id")),
    ("-priority", _("most urgent first"), ("-priority", OPEN_FIRST, DEADLINE, "created_at", "id")),
    ("-created", _("newest first"), ("-created_at", "-id")),
    ("created", _("oldest first"), ("created_at", "id")),
    ("answer_by", _("answer deadline"), ("answer_by", "created_at", "id")),
    ("-supports", _("most supported first"), ("-support_count", "-created_at", "-id")),
]


class QueuePageFilter(QueueFilter):
    """The queue page's filters (the API keeps QueueFilter's): statuses as checkboxes, the open
    ones when the query names none, overdue as one checkbox, and a sort that always has a value,
    most overdue first by default.

    The page's form sends `filtered=1`: a submitted form with no status ticked means every
    status, while a link that names no status (`?category=noise`) keeps the open ones."""

    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Complaint.Status.choices,
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[(value, label) for value, label, _order in PAGE_SORTS],
        empty_label=None,
        method="sort_by",
    )

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if "status" not in data and "filtered" not in data:
            data.setlist("status", list(OPEN_STATUSES))
        if not data.get("sort"):
            data["sort"] = PAGE_SORTS[0][0]
        super().__init__(data, *args, **kwargs)

    def sort_by(self, queryset, name, value):
        order = next(order for key, _label, order in PAGE_SORTS if key == value)
        return queryset.order_by(*order)
