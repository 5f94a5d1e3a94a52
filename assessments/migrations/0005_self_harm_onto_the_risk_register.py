"""Existing self-harm answers (PHQ-9 item 9 above 0) onto the risk register.

Before the register, the banner and row markers read InstrumentResponse.self_harm_recorded_at.
Now they read the register, so each person with such a response and no current self-harm
flag gets one entry ("self-harm or suicide", from PHQ-9 item 9), raised on the date the
first such answer was saved, by whoever saved it, owned by the assessing team, with the
usual review interval from that date: one never reviewed shows as overdue, which is true.
The responses point at it (risk_flag), so re-saving them raises no second entry.
"""

from django.db import migrations
from django.utils import timezone

NOTE = (
    "Raised automatically from PHQ-9 question 9 (thoughts of self-harm) answered above "
    '"Not at all". Review with the person\'s assessment.'
)


def forward(apps, schema_editor):
    from risks import rules

    Response = apps.get_model("assessments", "InstrumentResponse")
    RiskFlag = apps.get_model("risks", "RiskFlag")
    RiskFlagEvent = apps.get_model("risks", "RiskFlagEvent")
    flagged = (
        Response.objects.filter(self_harm_recorded_at__isnull=False)
        .select_related("assessment__referral", "person")
        .order_by("person_id", "self_harm_recorded_at", "id")
    )
    first_by_person = {}
    for response in flagged.iterator():
        first_by_person.setdefault(response.person_id, []).append(response)
    london = rules.LONDON
    for person_id, responses in first_by_person.items():
        if RiskFlag.objects.filter(
            person_id=person_id, risk_type="self_harm", removed_on__isnull=True
        ).exists():
            continue
        first = responses[0]
        raised_on = timezone.localtime(first.self_harm_recorded_at, london).date()
        if first.assessment_id is not None:
            team_id = first.assessment.referral.team_id
        else:
            team_id = first.person.team_id
        flag = RiskFlag.objects.create(
            person_id=person_id,
            risk_type="self_harm",
            note=NOTE,
            source="phq9_item_9",
            raised_by_id=first.recorded_by_id,
            raised_on=raised_on,
            team_id=team_id,
            next_review_on=rules.default_review_date("self_harm", raised_on),
        )
        RiskFlagEvent.objects.create(
            flag=flag,
            kind="raised",
            happened_on=raised_on,
            by_id=first.recorded_by_id,
            next_review_on=flag.next_review_on,
        )
        Response.objects.filter(pk__in=[r.pk for r in responses]).update(risk_flag=flag)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_instrument_response_risk_flag"),
        ("risks", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
