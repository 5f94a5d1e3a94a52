"""Reoffending follow-up belongs to the referral: events recorded on an order move to the
order's referral, and an order's check-done date becomes its referral's (the latest, when
a referral had several orders). No data is lost: every event keeps its person, kind, date,
notes and recorder."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery


def to_referrals(apps, schema_editor):
    ReoffendingEvent = apps.get_model("treatment_requirements", "ReoffendingEvent")
    Order = apps.get_model("treatment_requirements", "Order")
    Referral = apps.get_model("referrals", "Referral")
    ReoffendingEvent.objects.update(
        referral_id=Subquery(Order.objects.filter(pk=OuterRef("order_id")).values("referral_id"))
    )
    checked = (
        Order.objects.filter(reoffending_checked_on__isnull=False)
        .values("referral_id")
        .annotate(last=Max("reoffending_checked_on"))
    )
    for row in checked.iterator():
        Referral.objects.filter(pk=row["referral_id"]).update(reoffending_checked_on=row["last"])


def to_orders(apps, schema_editor):
    ReoffendingEvent = apps.get_model("treatment_requirements", "ReoffendingEvent")
    Order = apps.get_model("treatment_requirements", "Order")
    for event in ReoffendingEvent.objects.filter(order__isnull=True).iterator():
        event.order_id = (
            Order.objects.filter(referral_id=event.referral_id)
            .order_by("-made_on", "-id")
            .values_list("pk", flat=True)
            .first()
        )
        event.save(update_fields=["order"])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0006_referral_reoffending_follow_up"),
        ("treatment_requirements", "0005_order_operational_period_requirement_willingness_review_held"),
    ]

    operations = [
        migrations.AddField(
            model_name="reoffendingevent",
            name="referral",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reoffending_events",
                to="referrals.referral",
            ),
        ),
        migrations.AlterField(
            model_name="reoffendingevent",
            name="order",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reoffending",
                to="treatment_requirements.order",
            ),
        ),
        migrations.RunPython(to_referrals, to_orders),
    ]
