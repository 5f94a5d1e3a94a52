"""Reoffending follow-up for every referral: the check-due date (stored from the time of
receipt by the one rule in referrals.reoffending) and the check-done marker."""

from django.db import migrations, models

from referrals.reoffending import check_due_on


def store_check_due(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    batch = []
    for referral in Referral.objects.only("pk", "received_at").iterator(chunk_size=2000):
        referral.reoffending_check_due_on = check_due_on(referral.received_at)
        batch.append(referral)
        if len(batch) >= 2000:
            Referral.objects.bulk_update(batch, ["reoffending_check_due_on"])
            batch = []
    Referral.objects.bulk_update(batch, ["reoffending_check_due_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0005_fold_identifier_digits_to_ascii"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="reoffending_check_due_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="referral",
            name="reoffending_checked_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(store_check_due, migrations.RunPython.noop),
    ]
