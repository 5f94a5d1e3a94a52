# Issue 8 benchmark: the caseload's lists found through indexes, not by joining every order of
# the probation unit. Orders store the date their reoffending check falls due (12 months after
# the referral); existing orders get it from their referral.

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone


def backfill_due_dates(apps, schema_editor):
    Order = apps.get_model("treatment_requirements", "Order")
    if schema_editor.connection.vendor == "postgresql":
        # One statement, so a large database is not walked row by row in Python.
        schema_editor.execute(
            "UPDATE treatment_requirements_order o "
            "SET reoffending_check_due_on = "
            "((r.received_at AT TIME ZONE %s)::date + interval '12 months')::date "
            "FROM referrals_referral r WHERE r.id = o.referral_id",
            [settings.TIME_ZONE],
        )
        return
    rows = Order.objects.values_list("pk", "referral__received_at")
    for pk, received_at in rows.iterator():
        due: datetime.date = timezone.localdate(received_at) + relativedelta(months=12)
        Order.objects.filter(pk=pk).update(reoffending_check_due_on=due)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_person_search_name_trigram"),
        ("treatment_requirements", "0002_order_caseload_ending_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="reoffending_check_due_on",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(backfill_due_dates, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="order",
            name="reoffending_check_due_on",
            field=models.DateField(editable=False),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                condition=Q(("reoffending_checked_on__isnull", True), ("status", "active")),
                fields=["probation_team", "reoffending_check_due_on", "id"],
                name="order_reoffending_due",
            ),
        ),
        migrations.RemoveIndex(model_name="appointment", name="appointment_start_outcome"),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(fields=["starts_at", "id"], name="appointment_start"),
        ),
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(
                condition=Q(("outcome", "")),
                fields=["starts_at", "id"],
                name="appointment_outcome_due",
            ),
        ),
        migrations.AddIndex(
            model_name="failure",
            index=models.Index(
                condition=Q(("action", "")), fields=["deadline", "id"], name="failure_open"
            ),
        ),
        migrations.AddIndex(
            model_name="breachreferral",
            index=models.Index(
                condition=Q(("outcome", "pending")),
                fields=["referred_on", "id"],
                name="breach_pending",
            ),
        ),
    ]
