"""Every referral now has its reoffending check-due date; the L&D queue reads it by index.

A separate migration from 0005 so the table is not altered in the transaction that filled
the column (PostgreSQL refuses that while trigger events are pending).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0006_referral_reoffending_follow_up"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referral",
            name="reoffending_check_due_on",
            field=models.DateField(blank=True, editable=False),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("reoffending_checked_on__isnull", True)),
                fields=["team", "reoffending_check_due_on", "id"],
                name="referral_reoffending_due",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("reoffending_checked_on__isnull", True)),
                fields=["reoffending_check_due_on", "id"],
                name="referral_reoffending_due_all",
            ),
        ),
    ]
