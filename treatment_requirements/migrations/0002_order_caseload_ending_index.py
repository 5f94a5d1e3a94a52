# Index only (issue 8 benchmark): the caseload's active orders ending soonest, without sorting
# the whole unit's orders.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("treatment_requirements", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["probation_team", "status", "end_date", "id"],
                name="order_caseload_ending",
            ),
        ),
    ]
