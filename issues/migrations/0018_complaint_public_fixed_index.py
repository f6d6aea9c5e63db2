from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without blocking the reports being filed meanwhile.
    atomic = False

    dependencies = [
        ("issues", "0017_citizen_updates"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(
                    ("moderation", "published"), ("status__in", ["resolved", "closed"])
                ),
                fields=["resolved_at"],
                include=("location", "category"),
                name="complaint_public_fixed",
            ),
        ),
    ]
