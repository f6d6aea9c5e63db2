"""One page of a staff member's queue: the rows the table shows, read as plain values and
prepared once in Python, and whether there is a next page, found by looking one row ahead
rather than counting the filtered set."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from casa_map import inputs
from issues import policy
from issues.models import Complaint

PAGE_SIZE = 50
# What the queue table shows, read as plain values: no model, no geometry per row.
QUEUE_COLUMNS = [
    "reference",
    "title",
    "status",
    "created_at",
    "acknowledge_by",
    "answer_by",
    "is_reopened",
    "priority",
    "category__name_fr",
    "category__name_ar",
    "assigned_to__email",
    # Law 09-08: an operator's staff read the public copy of a report filed without consent
    # (issues.policy.withholds_contact).
    "public_title",
    "share_contact_with_operator",
]


@dataclass
class QueuePage:
    """One page of the queue, found by looking one row ahead rather than counting the filtered
    set (a count of a large filtered queue costs more than the page itself)."""

    rows: list
    number: int
    has_next: bool
    total: int | None

    def __iter__(self):
        return iter(self.rows)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // PAGE_SIZE))


def queue_page(queryset, number_text: str | None, *, total: int | None, viewer=None) -> QueuePage:
    """The page asked for (the first when the number is not one) of a queue queryset (with
    an `overdue` annotation), its rows read as plain values, as `viewer` may read them."""
    try:
        number = inputs.page_number(number_text)
    except ValidationError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    values = list(queryset.values(*QUEUE_COLUMNS, "overdue")[start : start + PAGE_SIZE + 1])
    return QueuePage(_rows(values[:PAGE_SIZE], viewer), number, len(values) > PAGE_SIZE, total)


@dataclass(frozen=True)
class QueueRow:
    """What the queue table shows of a complaint, prepared once in Python: rendering 50 rows
    through template filters and tags cost more than fetching them."""

    reference: str
    url: str
    title: str
    category: str
    status: str
    received: str
    deadline: str
    overdue: bool
    reopened: bool
    assignee: str
    priority: str = ""  # "high" or "urgent" in words; nothing for normal and low


def _rows(values: list[dict], viewer=None) -> list[QueueRow]:
    """Rows from plain values (see QUEUE_COLUMNS): building 150 model instances per page cost
    more than the query."""
    url_template = reverse("staff-complaint", args=["REFERENCE"])
    statuses = dict(Complaint.Status.choices)
    arabic = (get_language() or "fr").startswith("ar")
    rows = []
    for item in values:
        deadline = (
            item["acknowledge_by"]
            if item["status"] == Complaint.Status.SUBMITTED
            else item["answer_by"]
        )
        category = (arabic and item["category__name_ar"]) or item["category__name_fr"]
        rows.append(
            QueueRow(
                reference=item["reference"],
                url=url_template.replace("REFERENCE", item["reference"]),
                title=policy.staff_text(
                    item["title"],
                    item["public_title"],
                    withheld=viewer is not None
                    and policy.withholds_contact(
                        viewer, consent=item["share_contact_with_operator"]
                    ),
                ),
                category=category,
                status=str(statuses[item["status"]]),
                received=timezone.localtime(item["created_at"]).strftime("%d/%m/%Y"),
                deadline=deadline.strftime("%d/%m/%Y"),
                overdue=item["overdue"],
                reopened=item["is_reopened"],
                assignee=item["assigned_to__email"] or "—",
                priority=str(Complaint.Priority(item["priority"]).label)
                if item["priority"] >= Complaint.Priority.HIGH
                else "",
            )
        )
    return rows
