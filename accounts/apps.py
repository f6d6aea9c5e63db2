from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Citizen accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import shorten_staff_sessions

        user_logged_in.connect(shorten_staff_sessions, dispatch_uid="shorten_staff_sessions")
