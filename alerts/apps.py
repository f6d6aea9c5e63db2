from django.apps import AppConfig


class AlertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "alerts"
    verbose_name = "Alerts and feeds"

    def ready(self):
        from issues import notifications

        from . import services

        notifications.register_builder(services.ALERT_EMAIL, services.alert_message)
