"""The register in the review-due reminders, the classification registry, the subject
access export and the retention rule."""

import datetime

import pytest

from accounts.classification import DataClass, anonymise_values, classification_of
from accounts.enums import Role
from notifications.enums import ReminderKind
from notifications.models import Reminder
from notifications.rules import run_rules
from notifications.rules_risks import REVIEW_NOTICE_DAYS, risk_review_due
from referrals.subject_access import subject_access_export
from risks import rules
from risks.models import RiskFlag, RiskFlagEvent
from risks.services import risk_flag_review
from tests.factories import PersonFactory, ReferralFactory, UserFactory

from .factories import days, raise_flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(practitioner, team_lead, other_team):
    """Flags due for review the day before / of / after the notice window opens."""
    other_lead = UserFactory(role=Role.TEAM_LEAD, team=other_team, username="other_lead")
    people = [PersonFactory(team=practitioner.team) for _ in range(3)]
    today = rules.today()
    return {
        "inside": raise_flag(
            people[0], practitioner, next_review_on=today + days(REVIEW_NOTICE_DAYS)
        ),
        "outside": raise_flag(
            people[1], practitioner, next_review_on=today + days(REVIEW_NOTICE_DAYS + 1)
        ),
        "today": raise_flag(people[2], practitioner, next_review_on=today),
        "other_lead": other_lead,
    }


def test_reminders_go_to_the_raiser_and_the_owning_teams_leads(flagged, practitioner, team_lead):
    specs = risk_review_due()

    got = {(spec.subject_id, spec.recipient_id) for spec in specs}
    inside, today_flag = flagged["inside"].pk, flagged["today"].pk
    assert got == {
        (inside, practitioner.pk),
        (inside, team_lead.pk),
        (today_flag, practitioner.pk),
        (today_flag, team_lead.pk),
    }
    assert all(spec.kind == ReminderKind.RISK_REVIEW_DUE for spec in specs)
    for spec in specs:
        assert spec.title == (
            f"Risk flag F{spec.subject_id:06d} is due for review by {spec.due_on:%d/%m/%Y}"
        )


def test_reminders_hold_no_names_and_are_written_once(flagged):
    run_rules([risk_review_due])
    run_rules([risk_review_due])

    reminders = Reminder.objects.filter(kind=ReminderKind.RISK_REVIEW_DUE)
    assert reminders.count() == 4
    for reminder in reminders:
        person = RiskFlag.objects.get(pk=reminder.subject_id).person
        assert person.family_name not in reminder.title
        assert reminder.link == f"/people/{person.pk}/risk-register/"


def test_a_review_or_removal_moves_the_reminder_on(flagged, practitioner):
    flag = flagged["today"]
    today = rules.today()
    risk_flag_review(
        flag=flag,
        expected_version=flag.version,
        reviewed_on=today,
        next_review_on=today + days(60),
        note="Still relevant.",
        by=practitioner,
    )

    assert flag.pk not in {spec.subject_id for spec in risk_review_due()}


def test_a_raiser_who_moved_team_is_not_reminded(flagged, practitioner, other_team):
    practitioner.team = other_team
    practitioner.save()

    recipients = {spec.recipient_id for spec in risk_review_due()}

    assert practitioner.pk not in recipients
    assert flagged["other_lead"].pk not in recipients


def test_every_register_field_is_classified():
    assert classification_of(RiskFlag, "note") == DataClass.FREE_TEXT
    assert classification_of(RiskFlag, "risk_type") == DataClass.SPECIAL_CATEGORY
    assert classification_of(RiskFlagEvent, "note") == DataClass.FREE_TEXT


def test_subject_access_export_holds_the_register(practitioner):
    person = PersonFactory(team=practitioner.team)
    flag = raise_flag(person, practitioner, note="Known to carry a blade.")
    other = raise_flag(PersonFactory(team=practitioner.team), practitioner, note="Not theirs.")

    export = subject_access_export(person=person)

    sections = {section["model"]: section for section in export["sections"]}
    rows = sections["risks.RiskFlag"]["rows"]
    assert [row["id"] for row in rows] == [flag.pk]
    assert rows[0]["note"] == "Known to carry a blade."
    assert [row["flag"] for row in sections["risks.RiskFlagEvent"]["rows"]] == [flag.pk]
    assert other.pk not in [row["id"] for row in rows]


def test_retention_blanks_the_register_text_and_keeps_the_flags(practitioner, settings):
    from reporting.housekeeping import apply_retention

    settings.LD_RETENTION_YEARS = 8
    old = PersonFactory(team=practitioner.team)
    recent = PersonFactory(team=practitioner.team)
    long_ago = datetime.datetime(2010, 1, 5, tzinfo=datetime.UTC)
    ReferralFactory(
        person=old,
        received_at=long_ago - datetime.timedelta(days=10),
        status="closed",
        closure_reason="no_further_action",
        closed_at=long_ago,
    )
    ReferralFactory(person=recent)
    old_flag = raise_flag(old, practitioner, note="Threatened a nurse.")
    recent_flag = raise_flag(recent, practitioner, note="Threatened a driver.")
    risk_flag_review(
        flag=old_flag,
        expected_version=old_flag.version,
        reviewed_on=rules.today(),
        next_review_on=rules.today() + days(30),
        note="Spoke to the ward.",
        by=practitioner,
    )

    apply_retention()

    old_flag.refresh_from_db()
    assert old_flag.note == anonymise_values(RiskFlag)["note"] == ""
    assert set(old_flag.events.values_list("note", flat=True)) == {""}
    assert old_flag.risk_type == "risk_to_staff"
    assert RiskFlag.objects.get(pk=recent_flag.pk).note == "Threatened a driver."
