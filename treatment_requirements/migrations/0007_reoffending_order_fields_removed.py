"""After 0005 moved the data: every event has its referral; the order no longer stores the
reoffending check (the referral does: referrals 0005/0006).

A separate migration from 0005 so the tables are not altered in the transaction that
moved the rows (PostgreSQL refuses that while trigger events are pending).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0007_referral_reoffending_due_required"),
        ("treatment_requirements", "0006_reoffending_follows_the_referral"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reoffendingevent",
            name="referral",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reoffending_events",
                to="referrals.referral",
            ),
        ),
        migrations.RemoveField(
            model_name="reoffendingevent",
            name="order",
        ),
        migrations.RemoveIndex(
            model_name="order",
            name="order_reoffending_due",
        ),
        migrations.RemoveField(
            model_name="order",
            name="reoffending_check_due_on",
        ),
        migrations.RemoveField(
            model_name="order",
            name="reoffending_checked_on",
        ),
    ]
