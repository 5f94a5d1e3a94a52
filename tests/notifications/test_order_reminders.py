"""Reminder rules for appointments, enforcement, reviews, order ends, warnings, reoffending."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts.enums import BankHolidays, Role, TeamKind
from notifications import rules
from notifications.enums import ReminderKind
from notifications.models import Reminder
from tests.factories import ReferralFactory, TeamFactory, UserFactory
from treatment_requirements.enums import AppointmentOutcome
from treatment_requirements.models import Appointment, Failure, FormalWarning, ReviewHearing

from .order_records import make_order

pytestmark = pytest.mark.django_db

# A Monday in London, well clear of bank holidays and clock changes.
MONDAY_8AM = timezone.make_aware(datetime.datetime(2026, 6, 15, 8, 0))


def run_all():
    return rules.run_rules([*rules.DAILY_RULES, *rules.HOURLY_RULES])


def reminders():
    return sorted(Reminder.objects.values_list("kind", "recipient_id", "due_on"))


def appointment(order, requirement, starts_at, **kwargs):
    return Appointment.objects.create(
        order=order,
        requirement=requirement,
        starts_at=starts_at,
        purpose="Key work session",
        created_by=order.responsible_officer,
        **kwargs,
    )


@time_machine.travel(MONDAY_8AM, tick=False)
def test_appointment_tomorrow_reaches_officer_and_provider_clinicians():
    order, requirement = make_order()
    clinician = UserFactory(role=Role.PROVIDER_CLINICIAN, team=requirement.provider)
    appointment(order, requirement, MONDAY_8AM + datetime.timedelta(days=1, hours=2))
    appointment(order, requirement, MONDAY_8AM + datetime.timedelta(days=3))  # not tomorrow

    run_all()

    tomorrow = datetime.date(2026, 6, 16)
    assert reminders() == sorted(
        [
            (ReminderKind.APPOINTMENT_TOMORROW, order.responsible_officer_id, tomorrow),
            (ReminderKind.APPOINTMENT_TOMORROW, clinician.pk, tomorrow),
        ]
    )
    assert Reminder.objects.first().title == (
        f"Appointment tomorrow at 10:00 for order CO{order.pk:06d}"
    )


@time_machine.travel(MONDAY_8AM, tick=False)
def test_outcome_not_recorded_after_24_hours_only():
    order, requirement = make_order()
    appointment(order, requirement, MONDAY_8AM - datetime.timedelta(hours=25))
    appointment(order, requirement, MONDAY_8AM - datetime.timedelta(hours=23))
    appointment(
        order,
        requirement,
        MONDAY_8AM - datetime.timedelta(hours=30),
        outcome=AppointmentOutcome.ATTENDED_COMPLIED,
    )

    run_all()

    assert reminders() == [
        (
            ReminderKind.OUTCOME_NOT_RECORDED,
            order.responsible_officer_id,
            datetime.date(2026, 6, 15),
        )
    ]


def _failure(order, deadline):
    failure_date = deadline - datetime.timedelta(days=14)
    missed = appointment(
        order,
        None,
        timezone.make_aware(datetime.datetime.combine(failure_date, datetime.time(10))),
        outcome=AppointmentOutcome.UNACCEPTABLE_ABSENCE,
    )
    return Failure.objects.create(
        order=order,
        appointment=missed,
        failure_date=failure_date,
        description="Missed appointment without excuse",
        deadline=deadline,
        recorded_by=order.responsible_officer,
    )


@time_machine.travel(MONDAY_8AM, tick=False)
def test_enforcement_due_in_two_working_days_and_overdue():
    order, _ = make_order()
    _failure(order, datetime.date(2026, 6, 17))  # Wednesday: 2 working days away
    _failure(order, datetime.date(2026, 6, 18))  # Thursday: not yet
    _failure(order, datetime.date(2026, 6, 12))  # last Friday: overdue
    done = _failure(order, datetime.date(2026, 6, 11))
    done.action, done.action_on = "warning", datetime.date(2026, 6, 11)
    done.save()

    run_all()

    officer = order.responsible_officer_id
    assert reminders() == [
        (ReminderKind.ENFORCEMENT_DUE, officer, datetime.date(2026, 6, 17)),
        (ReminderKind.ENFORCEMENT_OVERDUE, officer, datetime.date(2026, 6, 12)),
    ]


@time_machine.travel(timezone.make_aware(datetime.datetime(2026, 11, 27, 8)), tick=False)
def test_enforcement_due_counts_the_working_days_of_the_teams_nation():
    english, _ = make_order()
    scottish, _ = make_order(
        officer=UserFactory(
            role=Role.PROBATION_OFFICER,
            team=TeamFactory(
                name="Lothian", kind=TeamKind.PROBATION, bank_holidays=BankHolidays.SCOTLAND
            ),
        )
    )
    # From Friday 27 November 2026, 2 working days: Tuesday 1 December in England and Wales;
    # Wednesday 2 December in Scotland (Monday 30 November is St Andrew's Day).
    for order in (english, scottish):
        _failure(order, datetime.date(2026, 12, 2))

    run_all()

    assert reminders() == [
        (ReminderKind.ENFORCEMENT_DUE, scottish.responsible_officer_id, datetime.date(2026, 12, 2))
    ]


@time_machine.travel(MONDAY_8AM, tick=False)
def test_drr_review_in_7_days_without_report():
    order, requirement = make_order()
    clinician = UserFactory(role=Role.PROVIDER_CLINICIAN, team=requirement.provider)
    due = datetime.date(2026, 6, 22)
    ReviewHearing.objects.create(
        order=order, requirement=requirement, review_date=due, scheduled_by=clinician
    )
    ReviewHearing.objects.create(
        order=order,
        requirement=requirement,
        review_date=datetime.date(2026, 6, 19),
        scheduled_by=clinician,
        progress_report="Engaging well",
        report_submitted_on=datetime.date(2026, 6, 12),
    )

    run_all()

    assert reminders() == sorted(
        [
            (ReminderKind.DRR_REVIEW_NO_REPORT, order.responsible_officer_id, due),
            (ReminderKind.DRR_REVIEW_NO_REPORT, clinician.pk, due),
        ]
    )


@time_machine.travel(MONDAY_8AM, tick=False)
def test_order_ending_in_14_days():
    ending, _ = make_order(end_date=datetime.date(2026, 6, 29))
    make_order(end_date=datetime.date(2026, 6, 30))

    run_all()

    assert reminders() == [
        (ReminderKind.ORDER_ENDING, ending.responsible_officer_id, datetime.date(2026, 6, 29))
    ]


def _warning(order, given_on):
    failure = _failure(order, given_on + datetime.timedelta(days=10))
    failure.failure_date, failure.action, failure.action_on = given_on, "warning", given_on
    failure.save()
    return FormalWarning.objects.create(
        order=order,
        failure=failure,
        given_on=given_on,
        letter_text="Warning letter",
        given_by=order.responsible_officer,
    )


@time_machine.travel(MONDAY_8AM, tick=False)
def test_warning_expiring_due_on_the_day_before_the_anniversary():
    order, _ = make_order(made_on=datetime.date(2025, 5, 1))
    warning = _warning(order, datetime.date(2025, 6, 18))

    run_all()

    assert reminders() == [
        (
            ReminderKind.WARNING_EXPIRING,
            order.responsible_officer_id,
            datetime.date(2026, 6, 17),
        )
    ]
    assert Reminder.objects.get().title == (
        f"The warning given on 18/06/2025 on order CO{order.pk:06d} counts for failures up "
        "to and including 17/06/2026"
    )
    assert Reminder.objects.get().subject_id == warning.pk


@time_machine.travel(MONDAY_8AM, tick=False)
def test_warning_expiring_from_the_last_day_today_to_7_days_ahead():
    # Today is 15/06/2026: a warning of 15/06/2025 counted up to yesterday (14/06/2026).
    officer = make_order(made_on=datetime.date(2025, 5, 1))[0].responsible_officer
    given = {
        datetime.date(2025, 6, 15): None,  # period ended yesterday
        datetime.date(2025, 6, 16): datetime.date(2026, 6, 15),  # last day today
        datetime.date(2025, 6, 23): datetime.date(2026, 6, 22),  # last day in 7 days
        datetime.date(2025, 6, 24): None,  # last day in 8 days
    }
    for given_on in given:
        _warning(make_order(officer=officer, made_on=datetime.date(2025, 5, 1))[0], given_on)

    run_all()

    assert reminders() == [
        (ReminderKind.WARNING_EXPIRING, officer.pk, due) for due in given.values() if due
    ]


@time_machine.travel(timezone.make_aware(datetime.datetime(2029, 2, 26, 8, 0)), tick=False)
def test_warning_expiring_given_on_29_february_ends_on_28_february():
    order, _ = make_order(made_on=datetime.date(2028, 1, 10))
    _warning(order, datetime.date(2028, 2, 29))

    run_all()

    assert reminders() == [
        (ReminderKind.WARNING_EXPIRING, order.responsible_officer_id, datetime.date(2029, 2, 28))
    ]


@time_machine.travel(MONDAY_8AM, tick=False)
def test_enforcement_deadline_reminder_for_a_refused_drug_test():
    from treatment_requirements.enforcement import enforcement_deadline
    from treatment_requirements.models import DrugTest

    order, requirement = make_order()
    tested_on = datetime.date(2026, 6, 3)  # deadline Wednesday 17 June: 2 working days away
    test = DrugTest.objects.create(
        order=order,
        requirement=requirement,
        tested_on=tested_on,
        substances="Opiates",
        result="refused",
        excuse_accepted=False,
        recorded_by=order.responsible_officer,
    )
    Failure.objects.create(
        order=order,
        drug_test=test,
        failure_date=tested_on,
        description="You refused to give a sample for a drug test on 03/06/2026.",
        deadline=enforcement_deadline(tested_on),
        recorded_by=order.responsible_officer,
    )

    run_all()

    assert reminders() == [
        (ReminderKind.ENFORCEMENT_DUE, order.responsible_officer_id, datetime.date(2026, 6, 17))
    ]


@time_machine.travel(MONDAY_8AM, tick=False)
def test_reoffending_check_due_12_months_after_referral():
    referral = ReferralFactory(
        received_at=timezone.make_aware(datetime.datetime(2025, 6, 17, 14, 0))
    )
    order, _ = make_order(referral=referral, made_on=datetime.date(2025, 8, 1))
    checked, _ = make_order(
        referral=ReferralFactory(
            received_at=referral.received_at, reoffending_checked_on=datetime.date(2026, 6, 10)
        ),
        made_on=datetime.date(2025, 8, 1),
    )

    run_all()

    assert reminders() == [
        (
            ReminderKind.REOFFENDING_CHECK_DUE,
            order.responsible_officer_id,
            datetime.date(2026, 6, 17),
        )
    ]


@time_machine.travel(MONDAY_8AM, tick=False)
def test_order_rules_run_twice_write_nothing_new():
    order, requirement = make_order(end_date=datetime.date(2026, 6, 20))
    appointment(order, requirement, MONDAY_8AM + datetime.timedelta(days=1))

    first = run_all()
    second = run_all()

    assert (first, second) == (2, 0)


@time_machine.travel(MONDAY_8AM, tick=False)
def test_reoffending_check_reminds_whoever_holds_each_referral_once():
    # Due 17 June 2026 (received 17 June 2025), within the 7-day notice: the assigned L&D
    # practitioner for a referral with no order, the team leads while nobody is assigned,
    # the responsible officer once an order was made.
    received = timezone.make_aware(datetime.datetime(2025, 6, 17, 14, 0))
    assigned = ReferralFactory(received_at=received)
    practitioner = UserFactory(role=Role.PRACTITIONER, team=assigned.team)
    assigned.assigned_to = practitioner
    assigned.save()
    unassigned = ReferralFactory(received_at=received)
    leads = [UserFactory(role=Role.TEAM_LEAD, team=unassigned.team) for _ in range(2)]
    order, _ = make_order(referral=ReferralFactory(received_at=received))

    run_all()
    run_all()  # a second beat writes nothing new

    assert reminders() == sorted(
        (ReminderKind.REOFFENDING_CHECK_DUE, user_id, datetime.date(2026, 6, 17))
        for user_id in [practitioner.pk, *(lead.pk for lead in leads), order.responsible_officer_id]
    )
    by_subject = dict(
        Reminder.objects.filter(recipient=practitioner).values_list("subject_type", "title")
    )
    assert by_subject == {
        "referrals.referral": (
            f"Reoffending check for referral {assigned.reference} is due on 17/06/2026"
        )
    }


@time_machine.travel(MONDAY_8AM, tick=False)
def test_reoffending_check_reminder_uses_the_london_date_of_receipt():
    # 23:30 UTC on 22 June 2025 was 00:30 BST on 23 June: due 23 June 2026, 8 days away,
    # so no reminder yet; received 23:30 UTC on 21 June (00:30 BST on 22 June): due 22 June,
    # within the 7-day notice.
    practitioner = UserFactory(role=Role.PRACTITIONER)
    for day in (21, 22):
        ReferralFactory(
            person__team=practitioner.team,
            received_at=datetime.datetime(2025, 6, day, 23, 30, tzinfo=datetime.UTC),
            assigned_to=practitioner,
        )

    run_all()

    assert reminders() == [
        (ReminderKind.REOFFENDING_CHECK_DUE, practitioner.pk, datetime.date(2026, 6, 22))
    ]
