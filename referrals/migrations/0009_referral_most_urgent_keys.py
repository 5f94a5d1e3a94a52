"""The keys of "most urgent first" stored on each referral (referrals.work_order), and My
work's queue indexes in that order in place of the oldest-first ones."""

from django.conf import settings
from django.db import migrations, models

import referrals.enums

URGENT_KEYS = ["-person_at_risk", "urgency_rank", "due_at", "received_at", "id"]


def store_keys(apps, schema_editor):
    """Existing referrals' keys, computed by the running rule (work_order) so they equal
    what every later write stores. Skipped on an empty database (every new one), so the
    live code never meets a schema older than its own there."""
    Referral = apps.get_model("referrals", "Referral")
    if not Referral.objects.exists():
        return
    from referrals.models import Referral as LiveReferral
    from referrals.work_order import refresh_work_order

    refresh_work_order(LiveReferral.objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_policy_and_audit_trigger"),
        ("referrals", "0008_referral_allocation"),
        # what the keys are computed from: the screening's urgency, the risk register
        ("assessments", "0005_self_harm_onto_the_risk_register"),
        ("risks", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="referral", name="referral_unassigned"),
        migrations.RemoveIndex(model_name="referral", name="referral_open_assigned"),
        migrations.RemoveIndex(model_name="referral", name="referral_awaiting"),
        migrations.AddField(
            model_name="referral",
            name="due_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="referral",
            name="person_at_risk",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="referral",
            name="urgency_rank",
            field=models.PositiveSmallIntegerField(default=3, editable=False),
        ),
        migrations.RunPython(store_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(
                    ("assigned_to__isnull", True),
                    ("status__in", referrals.enums.OPEN_STATUSES),
                ),
                fields=["team", *URGENT_KEYS],
                name="referral_unassigned_urgent",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("status__in", referrals.enums.OPEN_STATUSES)),
                fields=["assigned_to", *URGENT_KEYS],
                name="referral_assigned_urgent",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("status__in", referrals.enums.AWAITING_STATUSES)),
                fields=["team", *URGENT_KEYS],
                name="referral_awaiting_urgent",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["team", *URGENT_KEYS], name="referral_team_urgent"),
        ),
    ]
