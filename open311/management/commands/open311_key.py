"""Open311 api_keys, one per integrating application: create prints the key (shown once: only
its hash is stored), revoke disables it for good, list shows them."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from rest_framework_api_key.models import APIKey


class Command(BaseCommand):
    help = "Manage Open311 api_keys: create NAME | revoke NAME | list"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke", "list"])
        parser.add_argument("name", nargs="?", default="")

    def handle(self, *args, action: str, name: str, **options):
        name = name.strip()
        if action == "list":
            for key in APIKey.objects.order_by("name", "created"):
                state = "revoked" if key.revoked else "active"
                self.stdout.write(f"{key.name}\t{key.prefix}\t{state}\t{key.created:%Y-%m-%d}")
            return
        if not name:
            raise CommandError(f"Give the application's name: open311_key {action} NAME")
        active = APIKey.objects.filter(name=name, revoked=False)
        if action == "create":
            if active.exists():
                raise CommandError(f"{name} already has an active key; revoke it first.")
            _key, secret = APIKey.objects.create_key(name=name)
            self.stdout.write(secret)
            return
        revoked = active.update(revoked=True)
        if not revoked:
            raise CommandError(f"No active key is named {name}.")
        self.stdout.write(f"Revoked the key of {name}.")
