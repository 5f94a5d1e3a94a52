"""Which reminders are due now: one function per kind, each a few set-based queries.

Every rule returns ReminderSpecs; `reminders_create` writes only those not yet written, so
a rule may safely see the same record on every run. Rules look back over a short window
(LOOKBACK) so a missed beat is caught up, without flooding inboxes with years-old items.
Rules for records of other apps are registered by `register_rule` (see rules_tr.py).
"""

from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from referrals.enums import OPEN_STATUSES, AllocationKind, ReferralStatus
from referrals.models import Referral, ReferralAllocation
from referrals.pathway import timeliness_target

from .enums import ReminderKind
from .services import ReminderSpec

LOOKBACK = timedelta(days=7)
Rule = Callable[[], Iterable[ReminderSpec]]
HOURLY_RULES: list[Rule] = []
DAILY_RULES: list[Rule] = []
# Hourly rules about a record given to someone: also run as soon as an allocation commits
# (tasks.run_allocation_rules, queued by the allocating services), so the new holder's
# inbox shows it within seconds; the hourly run stays the safety net.
ALLOCATION_RULES: list[Rule] = []


def register_rule(func: Rule, *, hourly: bool = False, on_allocation: bool = False) -> Rule:
    targets = [HOURLY_RULES if hourly or on_allocation else DAILY_RULES]
    if on_allocation:
        targets.append(ALLOCATION_RULES)
    for target in targets:
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
    for user_id, team_id in (
        User.objects.people()
        .filter(team_id__in=set(team_ids), role=Role.TEAM_LEAD, is_active=True)
        .values_list("pk", "team_id")
    ):
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


_ALLOCATED_TITLES = {
    (AllocationKind.ALLOCATION, True): "Referral {ref} has been allocated to you",
    (AllocationKind.TRANSFER, True): "Referral {ref} has been transferred to you",
    (AllocationKind.TRANSFER, False): "Referral {ref} has been transferred to your team",
}


def referral_allocated() -> list[ReminderSpec]:
    """A referral allocated or transferred within the look-back window (a ReferralAllocation
    row, referrals.services): one reminder per allocation, while the referral is open and
    still where that allocation put it. To the practitioner it was given to (not when they
    took it themselves); a transfer to a team with nobody assigned goes to that team's
    leads. Wording and link carry the reference only."""
    now = timezone.now()
    to_someone = Q(
        assigned_to__isnull=False,
        assigned_to__is_active=True,
        referral__assigned_to_id=F("assigned_to_id"),
    ) & ~Q(allocated_by_id=F("assigned_to_id"))
    to_team = Q(
        assigned_to__isnull=True,
        kind=AllocationKind.TRANSFER,
        referral__assigned_to__isnull=True,
    )
    rows = (
        ReferralAllocation.objects.filter(
            allocated_at__gte=now - LOOKBACK,
            allocated_at__lte=now,
            referral__status__in=OPEN_STATUSES,
            referral__team_id=F("team_id"),
        )
        .filter(to_someone | to_team)
        .values_list("pk", "referral_id", "team_id", "assigned_to_id", "kind", "allocated_at")
    )
    leads = team_leads_by_team(row[2] for row in rows if row[3] is None)
    specs = []
    for pk, referral_id, team_id, assignee_id, kind, allocated_at in rows:
        title = _ALLOCATED_TITLES[(kind, assignee_id is not None)]
        for recipient in [assignee_id] if assignee_id else leads.get(team_id, []):
            specs.append(
                ReminderSpec(
                    kind=ReminderKind.REFERRAL_ALLOCATED,
                    subject_type="referrals.referralallocation",
                    subject_id=pk,
                    due_on=timezone.localdate(allocated_at),
                    recipient_id=recipient,
                    title=title.format(ref=f"R{referral_id:06d}"),
                    link=link_to("referrals:referral_detail", referral_id),
                )
            )
    return specs


register_rule(referral_allocated, on_allocation=True)


def dashboard_updated_reminders(*, run) -> list[ReminderSpec]:
    """A link to the dashboards for each dashboard user who subscribed (no figures, no names)."""
    subscribers = (
        User.objects.people()
        .filter(
            is_active=True,
            role__in=[Role.COMMISSIONER, Role.TEAM_LEAD],
            notification_preference__dashboard_updates=True,
        )
        .values_list("pk", flat=True)
    )
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
