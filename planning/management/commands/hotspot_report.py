"""Write a standalone HTML hotspot report (folium) of a selection, to send by e-mail."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from planning.reports import hotspot_report
from planning.selection import HotspotForm


class Command(BaseCommand):
    help = (
        "Write a standalone HTML report (choropleth, heat layer, hotspots, tables) of the "
        "selected complaints: manage.py hotspot_report --category roads-potholes --out r.html"
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument("--status", default="open", help="open (default) or all")
        parser.add_argument("--category", default="", help="category code")
        parser.add_argument("--arrondissement", default="", help="arrondissement slug")
        parser.add_argument("--days", default="", help="30, 90 or 365 (default: all)")
        parser.add_argument("--metres", type=int, help="hotspot distance in metres")
        parser.add_argument("--min-count", type=int, help="hotspot minimum number of reports")

    def handle(self, *args, out, **options):
        form = HotspotForm(
            {
                key: options[key]
                for key in ("status", "category", "arrondissement", "days", "metres", "min_count")
                if options[key] not in (None, "")
            }
        )
        if not form.is_valid():
            problems = "; ".join(
                f"--{name.replace('_', '-')}: {' '.join(messages)}"
                for name, messages in form.errors.items()
            )
            raise CommandError(problems)
        html = hotspot_report(
            form.selection(),
            metres=form.cleaned_data["metres"],
            min_count=form.cleaned_data["min_count"],
        )
        path = Path(out)
        path.write_text(html, encoding="utf-8")
        self.stdout.write(f"report written to {path} ({len(html.encode()) // 1024} KB)")
