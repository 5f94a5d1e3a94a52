# Issue 8 benchmark: My work's three queues (assigned to me, unassigned, overdue), oldest first,
# each read through its own partial index instead of filtering the team's referrals.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_policy_and_audit_trigger"),
        ("referrals", "0003_person_search_name_trigram"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(
                    ("assigned_to__isnull", True),
                    ("status__in", ("received", "screened", "assessed")),
                ),
                fields=["team", "received_at", "id"],
                name="referral_unassigned",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("status__in", ("received", "screened", "assessed"))),
                fields=["assigned_to", "team", "received_at", "id"],
                name="referral_open_assigned",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("status__in", ("received", "screened"))),
                fields=["team", "received_at", "id"],
                include=("source",),
                name="referral_awaiting",
            ),
        ),
    ]
