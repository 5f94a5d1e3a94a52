"""Reminder rule for the risk register (risks app): a flag's review falls due.

Daily. For each current flag whose next review is within REVIEW_NOTICE_DAYS (or has passed,
within the usual look-back), one reminder per recipient for that review date; a review sets a
new date, so the next reminder is a new row. Recipients, the owning team's: whoever raised
the flag while they are still an active member of that team, and the team's active team
leads (who see all of the team's work and can reassign it). Not every practitioner of the
team: the register is the person's, the reminder is a job for the people who own it.
The title carries the flag and person ids only, never a name or the type of risk.
"""

from datetime import timedelta

from accounts.enums import Role
from accounts.models import User
from risks import rules
from risks.models import RiskFlag

from .enums import ReminderKind
from .rules import LOOKBACK, link_to, register_rule, team_leads_by_team
from .services import ReminderSpec

REVIEW_NOTICE_DAYS = 7


def risk_review_due() -> list[ReminderSpec]:
    today = rules.today()
    rows = list(
        RiskFlag.objects.current()
        .filter(
            next_review_on__lte=today + timedelta(days=REVIEW_NOTICE_DAYS),
            next_review_on__gte=today - LOOKBACK,
        )
        .values_list("pk", "person_id", "team_id", "raised_by_id", "next_review_on")
    )
    leads = team_leads_by_team(row[2] for row in rows)
    raisers = set(
        User.objects.people()
        .filter(
            pk__in={row[3] for row in rows},
            is_active=True,
            role__in=[Role.PRACTITIONER, Role.TEAM_LEAD],
        )
        .values_list("pk", "team_id")
    )
    specs = []
    for pk, person_id, team_id, raised_by_id, due_on in rows:
        recipients = set(leads.get(team_id, []))
        if (raised_by_id, team_id) in raisers:
            recipients.add(raised_by_id)
        title = f"Risk flag F{pk:06d} is due for review by {due_on:%d/%m/%Y}"
        specs += [
            ReminderSpec(
                kind=ReminderKind.RISK_REVIEW_DUE,
                subject_type="risks.riskflag",
                subject_id=pk,
                due_on=due_on,
                recipient_id=recipient,
                title=title,
                link=link_to("risks:register", person_id),
            )
            for recipient in sorted(recipients)
        ]
    return specs


register_rule(risk_review_due)
