"""Staff accounts: `manage.py staff add|remove|list|import`, the invitation to choose a password,
where signing in leads, the link to the queue, and the team page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from districts.models import StaffMembership
from staff import onboarding
from tests.factories import UserFactory
from tests.staff.conftest import signed_in

pytestmark = pytest.mark.usefixtures("casablanca")


def invitation_link(message) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)


def test_adding_a_member_creates_the_account_and_invites_them_to_choose_a_password(
    django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://testserver"
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "staff", "add", "Nadia@Example.org", "--authority", "anfa", "--role", "manager"
        )

    user = get_user_model().objects.get(username="nadia@example.org")
    assert not user.has_usable_password()
    membership = StaffMembership.objects.get(user=user)
    assert (membership.authority.slug, membership.role) == ("anfa", "manager")
    assert [message.to for message in mail.outbox] == [["nadia@example.org"]]

    client = Client()
    form = client.get(invitation_link(mail.outbox[0]), follow=True)
    assert form.status_code == 200
    chosen = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else invitation_link(mail.outbox[0]),
        {"new_password1": "a-long-pass-phrase-42", "new_password2": "a-long-pass-phrase-42"},
    )
    assert chosen.status_code == 302
    signed = Client().post(
        "/accounts/login/",
        {"username": "nadia@example.org", "password": "a-long-pass-phrase-42"},
    )
    assert signed["Location"] == "/accounts/welcome/"


@pytest.mark.parametrize(
    ("arguments", "why"),
    [
        (["x@example.org", "--authority", "nowhere", "--role", "agent"], "unknown authority"),
        (["x@example.org", "--authority", "anfa", "--role", "boss"], "unknown role"),
        (["x@example.org", "--authority", "anfa", "--role", "supervisor"], "supervisor"),
        (["x@example.org", "--role", "agent"], "needs an authority"),
        (["not-an-address", "--authority", "anfa"], "not an e-mail"),
    ],
)
def test_a_wrong_member_is_refused_and_nothing_is_written(arguments, why):
    with pytest.raises(CommandError, match=why):
        call_command("staff", "add", *arguments)

    assert not get_user_model().objects.filter(username__in=["x@example.org", "not-an-address"])
    assert StaffMembership.objects.count() == 0
    assert mail.outbox == []


def test_a_csv_import_refuses_bad_lines_one_by_one_and_adds_the_good_ones(tmp_path):
    team = tmp_path / "equipe-anfa.csv"
    team.write_text(
        "email,authority,role\n"
        "karim@example.org,anfa,agent\n"
        "sara@example.org,atlantis,agent\n"
        "\n"
        "yassine@example.org,anfa,manager\n"
        "only-two@example.org,anfa\n"
        "chef@example.org,,supervisor\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match="2 line"):
        call_command("staff", "import", str(team), "--no-invite")

    added = dict(StaffMembership.objects.values_list("user__username", "role"))
    assert added == {
        "karim@example.org": "agent",
        "yassine@example.org": "manager",
        "chef@example.org": "supervisor",
    }
    _, refused = onboarding.import_members(team.read_text().splitlines(), invite=False)
    assert [number for number, _ in refused] == [3, 6]


def test_a_file_without_the_header_is_refused_whole(tmp_path):
    added, refused = onboarding.import_members(["karim@example.org,anfa,agent"], invite=False)

    assert added == [] and refused[0][0] == 1
    assert StaffMembership.objects.count() == 0


def test_remove_and_list(capsys):
    call_command("staff", "add", "karim@example.org", "--authority", "anfa", "--no-invite")
    call_command("staff", "list", "--authority", "anfa")
    assert "anfa\tagent\tkarim@example.org" in capsys.readouterr().out

    call_command("staff", "remove", "karim@example.org")
    assert StaffMembership.objects.count() == 0
    assert get_user_model().objects.filter(username="karim@example.org").exists()
    with pytest.raises(CommandError):
        call_command("staff", "remove", "karim@example.org")


def test_signing_in_leads_staff_to_their_queue_and_citizens_to_their_reports(anfa_agent):
    citizen = UserFactory(username="habitant@example.org")

    assert signed_in(anfa_agent).get("/accounts/welcome/")["Location"] == "/staff/"
    assert Client(enforce_csrf_checks=False).get("/accounts/welcome/").status_code == 302
    client = Client()
    client.force_login(citizen)
    assert client.get("/accounts/welcome/")["Location"] == "/my/reports/"


def test_every_page_links_staff_to_their_queue(anfa_agent):
    citizen = Client()
    citizen.force_login(UserFactory(username="habitant@example.org"))

    assert 'data-testid="staff-queue-link"' in signed_in(anfa_agent).get("/map/").content.decode()
    assert 'data-testid="staff-queue-link"' not in citizen.get("/map/").content.decode()
    assert 'data-testid="staff-queue-link"' not in Client().get("/map/").content.decode()


def test_the_team_page_shows_a_manager_their_team_and_a_supervisor_every_team(
    anfa_agent, anfa_manager, maarif_agent, supervisor
):
    managers_view = signed_in(anfa_manager).get("/staff/members/").content.decode()
    assert anfa_agent.user.username in managers_view
    assert maarif_agent.user.username not in managers_view

    supervisors_view = signed_in(supervisor).get("/staff/members/").content.decode()
    assert anfa_agent.user.username in supervisors_view
    assert maarif_agent.user.username in supervisors_view

    assert signed_in(anfa_agent).get("/staff/members/").status_code == 403
