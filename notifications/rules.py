"""Which reminders are due now: one function per kind, each a few set-based queries.

Every rule returns ReminderSpecs; `reminders_create` writes only those not yet written, so
a rule may safely see the same record on every run. Rules look back over a short window
(LOOKBACK) so a missed beat is caught up, without flooding inboxes with years-old items.
Rules for records of other apps are registered by `register_rule` (see rules_tr.py).
"""

from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from referrals.enums import ReferralStatus
from referrals.models import Referral
from referrals.pathway import timeliness_target

from .enums import ReminderKind
from .services import ReminderSpec

LOOKBACK = timedelta(days=7)
Rule = Callable[[], Iterable[ReminderSpec]]
HOURLY_RULES: list[Rule] = []
DAILY_RULES: list[Rule] = []


def register_rule(func: Rule, *, hourly: bool = False) -> Rule:
    target = HOURLY_RULES if hourly else DAILY_RULES
    if func not in target:
        target.append(func)
    return func


def link_to(url_name: str, pk: int) -> str:
    try:
        return reverse(url_name, args=[pk])
    except NoReverseMatch:  # the screen is not installed in this deployment
        return ""


def team_leads_by_team(team_ids) -> dict[int, list[int]]:
    leads: dict[int, list[int]] = {}
    for user_id, team_id in User.objects.filter(
        team_id__in=set(team_ids), role=Role.TEAM_LEAD, is_active=True
    ).values_list("pk", "team_id"):
        leads.setdefault(team_id, []).append(user_id)
    return leads


def _referral_timeliness(status: str, kind: str, verb: str) -> list[ReminderSpec]:
    """Referrals still awaiting `verb` whose target passed within the look-back window.

    To the assigned practitioner, or to the team leads while nobody is assigned.
    """
    now = timezone.now()
    rows = []
    for source in settings.LD_TIMELINESS_TARGET_HOURS:
        target = timeliness_target(source)
        rows += Referral.objects.filter(
            status=status,
            source=source,
            received_at__lt=now - target,
            received_at__gte=now - target - LOOKBACK,
        ).values_list("pk", "team_id", "assigned_to_id", "received_at", "source")
    leads = team_leads_by_team(r[1] for r in rows)
    specs = []
    for pk, team_id, assignee_id, received_at, source in rows:
        due = timezone.localdate(received_at + timeliness_target(source))
        hours = settings.LD_TIMELINESS_TARGET_HOURS[source]
        title = f"Referral R{pk:06d} has not been {verb} within its {hours}-hour target"
        for recipient in [assignee_id] if assignee_id else leads.get(team_id, []):
            specs.append(
                ReminderSpec(
                    kind=kind,
                    subject_type="referrals.referral",
                    subject_id=pk,
                    due_on=due,
                    recipient_id=recipient,
                    title=title,
                    link=link_to("referrals:referral_detail", pk),
                )
            )
    return specs


def referral_not_screened() -> list[ReminderSpec]:
    return _referral_timeliness(
        ReferralStatus.RECEIVED, ReminderKind.REFERRAL_NOT_SCREENED, "screened"
    )


def referral_not_assessed() -> list[ReminderSpec]:
    return _referral_timeliness(
        ReferralStatus.SCREENED, ReminderKind.REFERRAL_NOT_ASSESSED, "assessed"
    )


register_rule(referral_not_screened, hourly=True)
register_rule(referral_not_assessed, hourly=True)


def dashboard_updated_reminders(*, run) -> list[ReminderSpec]:
    """A link to the dashboards for each dashboard user who subscribed (no figures, no names)."""
    subscribers = User.objects.filter(
        is_active=True,
        role__in=[Role.COMMISSIONER, Role.TEAM_LEAD],
        notification_preference__dashboard_updates=True,
    ).values_list("pk", flat=True)
    try:
        link = reverse("reporting:dashboard")
    except NoReverseMatch:
        link = ""
    title = f"The dashboards are updated with figures to the end of {run.snapshot_date.day} {run.snapshot_date:%B %Y}"
    return [
        ReminderSpec(
            kind=ReminderKind.DASHBOARD_UPDATED,
            # One per snapshot day, however many runs rebuilt it.
            subject_type="reporting.snapshot",
            subject_id=run.snapshot_date.toordinal(),
            due_on=run.snapshot_date,
            recipient_id=user_id,
            title=title,
            link=link,
        )
        for user_id in subscribers
    ]


def run_rules(rules: Iterable[Rule]) -> int:
    """Write every due reminder; return how many rows were new."""
    from .services import reminders_create

    created = 0
    for rule in rules:
        created += reminders_create(specs=list(rule()))
    return created
