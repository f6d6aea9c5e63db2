"""Staff accounts from the command line:

    manage.py staff add ADDRESS --authority SLUG --role agent|manager|moderator
    manage.py staff add ADDRESS --role supervisor
    manage.py staff remove ADDRESS
    manage.py staff list [--authority SLUG]
    manage.py staff import team.csv        (columns: email,authority,role)

New accounts get an e-mail with the link to choose their password (--no-invite: none)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from staff import onboarding


class Command(BaseCommand):
    help = "Add, remove, list or import staff members (see the module's docstring)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add")
        add.add_argument("email")
        add.add_argument("--authority", default="")
        add.add_argument("--role", default="agent")
        remove = actions.add_parser("remove")
        remove.add_argument("email")
        listing = actions.add_parser("list")
        listing.add_argument("--authority", default="")
        load = actions.add_parser("import")
        load.add_argument("path")
        for sub in (add, load):
            sub.add_argument("--no-invite", action="store_true")
            sub.add_argument("--language", default="fr", choices=["fr", "ar"])

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _add(self, *, email, authority, role, no_invite, language, **_):
        try:
            added = onboarding.add_member(
                email=email, authority=authority, role=role, invite=not no_invite, language=language
            )
        except onboarding.MemberRefused as refused:
            raise CommandError(refused.message) from refused
        self.stdout.write(self._described(added))

    def _remove(self, *, email, **_):
        if not onboarding.remove_member(email):
            raise CommandError(f"{email} is not a staff member")
        self.stdout.write(f"removed: {email}")

    def _list(self, *, authority, **_):
        for membership in onboarding.members(authority or None):
            place = membership.authority.slug if membership.authority else "(city)"
            self.stdout.write(f"{place}\t{membership.role}\t{membership.user.username}")

    def _import(self, *, path, no_invite, language, **_):
        try:
            with open(path, encoding="utf-8-sig", newline="") as lines:
                added, refused = onboarding.import_members(
                    lines, invite=not no_invite, language=language
                )
        except (OSError, UnicodeDecodeError) as unreadable:
            raise CommandError(f"cannot read {path}: {unreadable}") from unreadable
        for member in added:
            self.stdout.write(self._described(member))
        for number, why in refused:
            self.stderr.write(f"line {number}: refused — {why}")
        self.stdout.write(f"{len(added)} added, {len(refused)} refused")
        if refused:
            raise CommandError(f"{len(refused)} line(s) refused; the others were added")

    @staticmethod
    def _described(added: onboarding.Added) -> str:
        account = "new account" if added.created_account else "existing account"
        invitation = ", invitation sent" if added.invited else ""
        return f"added: {added.email} ({account}{invitation})"
