"""Small template filters and tags for the staff workspace."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0)


# One table row of the queue. Built with format_html (which escapes every value) rather than the
# template language: 50 rows of ten fields cost ~10 ms through template nodes, ~1 ms this way.
ROW_HTML = (
    '<tr data-reference="{reference}"{row_class}>'
    '<td><input type="checkbox" name="references" value="{reference}" aria-label="{reference}">'
    '</td><td><a class="code" href="{url}">{reference}</a>{reopened}{priority}</td>'
    "<td>{title}</td><td>{category}</td>"
    "<td>{status}</td><td>{received}</td><td>{deadline}{overdue}</td><td>{assignee}</td></tr>"
)


@register.simple_tag
def queue_rows(rows) -> str:
    """The queue table's rows (staff.queue.QueueRow), every value escaped by format_html."""
    reopened = format_html(' <span class="tag">{}</span>', _("reopened"))
    overdue = format_html(' <span class="tag tag--late">{}</span>', _("overdue"))
    return mark_safe(
        "".join(
            format_html(
                ROW_HTML,
                reference=row.reference,
                row_class=mark_safe(' class="row--overdue"') if row.overdue else "",
                url=row.url,
                reopened=reopened if row.reopened else "",
                priority=format_html(' <span class="tag tag--priority">{}</span>', row.priority)
                if row.priority
                else "",
                title=row.title,
                category=row.category,
                status=row.status,
                received=row.received,
                deadline=row.deadline,
                overdue=overdue if row.overdue else "",
                assignee=row.assignee,
            )
            for row in rows
        )
    )
