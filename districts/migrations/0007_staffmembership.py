"""StaffMembership moves from the staff app to districts, beside the authorities: the table
(staff_staffmembership) stays where it is; only Django's record of which app holds the model
changes (and the content type, so admin permissions and history follow)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    if not content_types.objects.filter(app_label="districts", model="staffmembership").exists():
        content_types.objects.filter(app_label="staff", model="staffmembership").update(
            app_label="districts"
        )


def move_content_type_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="districts", model="staffmembership").update(
        app_label="staff"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0006_routing_stamp"),
        ("staff", "0002_alter_staffmembership_role"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StaffMembership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("agent", "Agent"),
                                    ("manager", "Manager"),
                                    ("moderator", "Moderator"),
                                    ("supervisor", "City supervisor"),
                                ],
                                default="agent",
                                max_length=12,
                            ),
                        ),
                        (
                            "authority",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="staff",
                                to="districts.authority",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="staff_membership",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "staff membership",
                        "verbose_name_plural": "staff memberships",
                        "db_table": "staff_staffmembership",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("authority__isnull", True), ("role", "supervisor")),
                                    models.Q(
                                        models.Q(("role", "supervisor"), _negated=True),
                                        ("authority__isnull", False),
                                    ),
                                    _connector="OR",
                                ),
                                name="membership_supervisor_has_no_authority_others_have_one",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
