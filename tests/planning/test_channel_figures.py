"""The planners' figures split by channel (issue #25): how the reports reached the city, online
or through the staff on a citizen's behalf; in the page's table, its CSV, and the individual
reports' export."""

from __future__ import annotations

import csv
import io

from issues.models import Complaint


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_figures_count_the_reports_of_the_selection_by_channel(client, file_at):
    for channel in ("web", "web", "phone", "letter"):
        complaint = file_at("anfa")
        Complaint.objects.filter(pk=complaint.pk).update(channel=channel)
    elsewhere = file_at("maarif")
    Complaint.objects.filter(pk=elsewhere.pk).update(channel="phone")
    hidden = file_at("anfa")
    Complaint.objects.filter(pk=hidden.pk).update(
        channel="counter", moderation=Complaint.Moderation.HIDDEN
    )

    response = client.get("/planning/", {"arrondissement": "anfa", "status": "all"})
    rows = {row["slug"]: row for row in response.context["figures"]["channels"]}

    assert [row["slug"] for row in response.context["figures"]["channels"]] == list(
        Complaint.Channel.values
    )
    assert {slug: row["complaints"] for slug, row in rows.items() if row["complaints"]} == {
        "web": 2,
        "phone": 1,
        "letter": 1,
    }  # not Maârif's, not the hidden one
    assert rows["web"]["share"] == 0.5 and rows["counter"]["complaints"] == 0
    html = response.content.decode()
    assert 'id="channels-table"' in html and "Courrier" in html and "50&nbsp;%" in html


def test_the_channel_figures_export_names_the_channels_in_the_readers_language(client, file_at):
    complaint = file_at("anfa")
    Complaint.objects.filter(pk=complaint.pk).update(channel="whatsapp")

    def exported(language: str) -> dict[str, str]:
        response = client.get("/planning/export/channels.csv", HTTP_ACCEPT_LANGUAGE=language)
        return {row["name"]: row["share"] for row in read_csv(response) if row["complaints"] != "0"}

    assert exported("fr") == {"WhatsApp": "100\u00a0%"}
    assert exported("ar") == {"واتساب": "100\u00a0%"}


def test_the_reports_export_has_the_channel_column(client, file_at):
    phoned = file_at("anfa")
    Complaint.objects.filter(pk=phoned.pk).update(channel="phone")
    online = file_at("anfa", east_m=30)

    rows = {row["reference"]: row for row in read_csv(client.get("/planning/export/reports.csv"))}
    arabic = read_csv(client.get("/planning/export/reports.csv", HTTP_ACCEPT_LANGUAGE="ar"))

    assert rows[phoned.reference]["channel"] == "Téléphone"
    assert rows[online.reference]["channel"] == "Formulaire web"
    assert {row["channel"] for row in arabic} == {"الهاتف", "الاستمارة الإلكترونية"}
