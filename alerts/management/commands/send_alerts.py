from django.core.management.base import BaseCommand

from alerts.services import send_alerts


class Command(BaseCommand):
    help = "Matches new reports and updates to alerts and sends one e-mail per alert (hourly)."

    def handle(self, *args, **options):
        emails = send_alerts()
        self.stdout.write(f"{emails} alert e-mail(s) due")
