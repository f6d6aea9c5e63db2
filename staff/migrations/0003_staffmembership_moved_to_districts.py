"""StaffMembership now belongs to districts (districts.0007): the staff app forgets it; the
table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0002_alter_staffmembership_role"),
        ("districts", "0007_staffmembership"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="StaffMembership")],
            database_operations=[],
        )
    ]
