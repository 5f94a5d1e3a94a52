"""Bookings that make sense (treatment_requirements.booking_checks, services.booking): a
weekend or a bank holiday of the team's nation warned, the same person twice at once
refused, the officer's diary clash warned, and the officer's confirmation good for the
dates and warnings shown only."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from accounts.enums import BankHolidays
from treatment_requirements import booking_checks, services
from treatment_requirements.booking_checks import BookingWarnings
from treatment_requirements.enums import AppointmentOutcome
from treatment_requirements.models import Appointment
from treatment_requirements.services.compliance import failure_open

from .conftest import make_order
from .factories import (
    AppointmentFactory,
    OrderFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
)

LONDON = ZoneInfo("Europe/London")
SCOTLAND, NORTHERN_IRELAND = BankHolidays.SCOTLAND, BankHolidays.NORTHERN_IRELAND
HOUR = datetime.timedelta(minutes=60)


def at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def reasons(when, region=BankHolidays.ENGLAND_AND_WALES) -> list[str]:
    return [w.reason for w in booking_checks.day_warnings([when], region)]


# The days: weekends and each nation's bank holidays (pure) --------------------------------


def test_boxing_day_substitute_2026_is_warned_in_england_and_wales():
    assert reasons(at(2026, 12, 28)) == [
        "Monday 28 December 2026 is a bank holiday (Boxing Day (substitute day)) in "
        "England and Wales"
    ]


def test_the_sunday_before_is_warned_as_a_weekend_and_the_tuesday_after_not_at_all():
    assert reasons(at(2026, 12, 27)) == ["Sunday 27 December 2026 is at the weekend"]
    assert reasons(at(2026, 12, 26)) == [
        "Saturday 26 December 2026 is a bank holiday (Boxing Day) in England and Wales"
    ]
    assert reasons(at(2026, 12, 29)) == []


def test_second_of_january_is_a_bank_holiday_in_scotland_only():
    # 2 January 2026 is a Friday; in 2027 a Saturday, so Monday 4 January is its substitute.
    assert reasons(at(2026, 1, 2), SCOTLAND) == [
        "Friday 2 January 2026 is a bank holiday (2nd January) in Scotland"
    ]
    assert reasons(at(2026, 1, 2)) == []
    assert reasons(at(2027, 1, 4), SCOTLAND) == [
        "Monday 4 January 2027 is a bank holiday (2nd January (substitute day)) in Scotland"
    ]
    assert reasons(at(2027, 1, 4)) == []
    assert reasons(at(2027, 1, 5), SCOTLAND) == []


def test_st_andrews_day_in_scotland_and_its_substitute_day_when_at_a_weekend():
    assert reasons(at(2026, 11, 30), SCOTLAND) == [
        "Monday 30 November 2026 is a bank holiday (St Andrew's Day) in Scotland"
    ]
    assert reasons(at(2026, 11, 30)) == []
    # 30 November 2025 was a Sunday: Monday 1 December was the holiday.
    assert reasons(at(2025, 12, 1), SCOTLAND) == [
        "Monday 1 December 2025 is a bank holiday (St Andrew's Day (substitute day)) in Scotland"
    ]


def test_st_patricks_day_and_the_twelfth_in_northern_ireland_only():
    assert reasons(at(2027, 3, 17), NORTHERN_IRELAND) == [
        "Wednesday 17 March 2027 is a bank holiday (St Patrick's Day) in Northern Ireland"
    ]
    assert reasons(at(2027, 3, 17)) == []
    assert reasons(at(2027, 3, 17), SCOTLAND) == []
    assert reasons(at(2027, 7, 12), NORTHERN_IRELAND) == [
        "Monday 12 July 2027 is a bank holiday (Battle of the Boyne (Orangemen's Day)) in "
        "Northern Ireland"
    ]
    assert reasons(at(2027, 7, 13), NORTHERN_IRELAND) == []


@pytest.mark.parametrize(
    ("minutes_apart", "overlap"),
    [(-60, False), (-59, True), (0, True), (59, True), (60, False), (61, False)],
)
def test_two_starts_overlap_when_less_than_an_appointment_apart(minutes_apart, overlap):
    first = at(2026, 12, 1)
    second = first + datetime.timedelta(minutes=minutes_apart)

    assert booking_checks.overlaps(first, second, HOUR) is overlap


def test_a_diary_clash_across_midnight_names_the_other_day():
    warning = booking_checks.diary_warning(at(2026, 12, 2, 0, 15), at(2026, 12, 1, 23, 45), "your")

    assert warning.reason == (
        "Wednesday 2 December 2026 at 00:15 overlaps another appointment in your diary, "
        "at 23:45 on Tuesday 1 December 2026"
    )


def test_a_confirmation_is_good_for_the_warnings_it_was_given_for_only():
    christmas_week = booking_checks.day_warnings([at(2026, 12, 27), at(2026, 12, 28)])
    new_year = booking_checks.day_warnings([at(2027, 1, 2)])
    given = booking_checks.confirmation(christmas_week)

    assert booking_checks.confirmed(given, christmas_week)
    assert not booking_checks.confirmed(given, new_year)
    assert not booking_checks.confirmed(given, christmas_week[:1])
    assert not booking_checks.confirmed("", christmas_week)
    assert not booking_checks.confirmed(False, christmas_week)
    assert booking_checks.confirmed(False, [])


# Booking through the service --------------------------------------------------------------


@pytest.fixture(autouse=True)
def _monday_30_november_2026(time_machine):
    time_machine.move_to(at(2026, 11, 30, 9), tick=False)


def book(order, when, by, **kwargs):
    return services.appointment_schedule(
        order=order, starts_at=when, purpose="Key work", by=by, **kwargs
    )


def refused_messages(call) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict["starts_at"]


def warned(call) -> BookingWarnings:
    with pytest.raises(BookingWarnings) as stopped:
        call()
    return stopped.value


@pytest.mark.django_db
def test_a_weekly_series_across_christmas_warns_for_the_bank_holiday_only(order, officer):
    stopped = warned(lambda: book(order, at(2026, 12, 14), officer, recurrence="weekly", count=4))

    assert [w.reason for w in stopped.warnings] == [
        "Monday 28 December 2026 is a bank holiday (Boxing Day (substitute day)) in "
        "England and Wales"
    ]
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_a_scottish_team_is_warned_of_scotlands_bank_holidays(order, officer):
    order.probation_team.bank_holidays = SCOTLAND
    order.probation_team.save()

    stopped = warned(lambda: book(order, at(2026, 12, 14), officer, recurrence="weekly", count=4))

    assert [w.reason for w in stopped.warnings] == [
        "Monday 28 December 2026 is a bank holiday (Boxing Day (substitute day)) in Scotland",
        "Monday 4 January 2027 is a bank holiday (2nd January (substitute day)) in Scotland",
    ]


@pytest.mark.django_db
def test_confirming_books_and_the_confirmation_does_not_carry_over_to_other_dates(order, officer):
    stopped = warned(lambda: book(order, at(2026, 12, 28), officer))

    with pytest.raises(BookingWarnings):
        book(order, at(2026, 12, 26), officer, accept_warnings=stopped.confirmation)
    booked = book(order, at(2026, 12, 28), officer, accept_warnings=stopped.confirmation)

    assert [a.starts_at for a in Appointment.objects.all()] == [at(2026, 12, 28)]
    assert booked[0].starts_at == at(2026, 12, 28)


@pytest.mark.django_db
def test_an_ordinary_weekday_books_without_a_word(order, officer):
    booked = book(order, at(2026, 12, 29), officer)

    assert [a.starts_at for a in booked] == [at(2026, 12, 29)]


@pytest.fixture
def second_order_of_the_same_person(order, officer):
    return OrderFactory(
        person=order.person, responsible_officer=officer, probation_team=officer.team
    )


@pytest.mark.django_db
def test_the_same_person_at_the_same_time_on_another_order_is_refused(
    order, officer, second_order_of_the_same_person
):
    book(order, at(2026, 12, 1, 10, 30), officer)

    messages = refused_messages(
        lambda: book(
            second_order_of_the_same_person, at(2026, 12, 1), officer, accept_warnings=True
        )
    )

    assert messages == ["The person already has an appointment on Tuesday 1 December 2026 at 10:30"]
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("minutes_apart", "refused"), [(59, True), (60, False), (-59, True), (-60, False)]
)
def test_the_same_person_is_refused_within_the_appointments_length_either_side(
    order, officer, minutes_apart, refused
):
    book(order, at(2026, 12, 1), officer)
    second = at(2026, 12, 1) + datetime.timedelta(minutes=minutes_apart)

    if refused:
        assert refused_messages(lambda: book(order, second, officer)) == [
            "The person already has an appointment on Tuesday 1 December 2026 at 10:00"
        ]
    else:
        book(order, second, officer)
    assert Appointment.objects.count() == (1 if refused else 2)


@pytest.mark.django_db
@override_settings(LD_APPOINTMENT_MINUTES=90)
def test_the_appointments_length_is_a_setting(order, officer):
    book(order, at(2026, 12, 1), officer)

    assert refused_messages(lambda: book(order, at(2026, 12, 1, 11, 29), officer))
    book(order, at(2026, 12, 1, 11, 30), officer)


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", [AppointmentOutcome.RESCHEDULED, AppointmentOutcome.WITHDRAWN])
def test_appointments_no_longer_taking_place_do_not_clash(order, officer, outcome):
    AppointmentFactory(order=order, starts_at=at(2026, 12, 1), outcome=outcome)

    booked = book(order, at(2026, 12, 1), officer)

    assert [a.starts_at for a in booked] == [at(2026, 12, 1)]


@pytest.mark.django_db
def test_a_series_names_every_clashing_appointment(order, officer, second_order_of_the_same_person):
    for when in (at(2026, 12, 8, 10, 15), at(2026, 12, 22, 9, 30)):
        AppointmentFactory(order=second_order_of_the_same_person, starts_at=when)

    messages = refused_messages(
        lambda: book(order, at(2026, 12, 1), officer, recurrence="weekly", count=4)
    )

    assert messages == [
        "The person already has an appointment on Tuesday 8 December 2026 at 10:15",
        "The person already has an appointment on Tuesday 22 December 2026 at 09:30",
    ]
    assert not Appointment.objects.filter(order=order).exists()


@pytest.mark.django_db
def test_another_person_at_the_same_time_is_a_diary_warning_not_a_refusal(
    order, officer, practitioner, provider_team
):
    other_persons_order = make_order(practitioner, officer, provider_team)
    book(other_persons_order, at(2026, 12, 1, 10, 30), officer)

    stopped = warned(lambda: book(order, at(2026, 12, 1), officer))
    booked = book(order, at(2026, 12, 1), officer, accept_warnings=stopped.confirmation)

    assert [w.reason for w in stopped.warnings] == [
        "Tuesday 1 December 2026 at 10:00 overlaps another appointment in your diary, at 10:30"
    ]
    assert booked[0].starts_at == at(2026, 12, 1)


@pytest.mark.django_db
def test_another_officers_appointment_at_the_same_time_is_nothing_to_this_booking(
    order, officer, practitioner, provider_team, other_officer
):
    book(make_order(practitioner, other_officer, provider_team), at(2026, 12, 1), other_officer)

    booked = book(order, at(2026, 12, 1), officer)

    assert len(booked) == 1


@pytest.mark.django_db
def test_booking_for_a_colleague_warns_of_both_diaries(order, officer, practitioner, provider_team):
    colleague = ProbationOfficerFactory(team=officer.team, first_name="Kim", last_name="Reyes")
    book(make_order(practitioner, officer, provider_team), at(2026, 12, 1, 10, 45), officer)
    book(make_order(practitioner, colleague, provider_team), at(2026, 12, 1, 9, 30), colleague)

    stopped = warned(lambda: book(order, at(2026, 12, 1), colleague))

    assert [w.reason for w in stopped.warnings] == [
        "Tuesday 1 December 2026 at 10:00 overlaps another appointment in "
        f"{officer.display_name}'s diary, at 10:45",
        "Tuesday 1 December 2026 at 10:00 overlaps another appointment in your diary, at 09:30",
    ]


# Rescheduling --------------------------------------------------------------------------


@pytest.mark.django_db
def test_rescheduling_is_refused_onto_the_persons_other_appointment_but_not_its_own_time(
    order, officer, second_order_of_the_same_person
):
    moving = book(order, at(2026, 12, 1), officer)[0]
    book(second_order_of_the_same_person, at(2026, 12, 2, 14), officer)

    def reschedule(when, version):
        return services.appointment_reschedule(
            appointment=moving,
            starts_at=when,
            reason="Clinic closed",
            expected_version=version,
            by=officer,
        )

    assert refused_messages(lambda: reschedule(at(2026, 12, 2, 14, 30), 1)) == [
        "The person already has an appointment on Wednesday 2 December 2026 at 14:00"
    ]
    moved = reschedule(at(2026, 12, 1, 10, 30), 1)
    assert moved.starts_at == at(2026, 12, 1, 10, 30)


@pytest.mark.django_db
def test_rescheduling_onto_a_bank_holiday_is_warned_and_confirmed(order, officer):
    moving = book(order, at(2026, 12, 22), officer)[0]

    def reschedule(**kwargs):
        return services.appointment_reschedule(
            appointment=moving,
            starts_at=at(2026, 12, 28),
            reason="Clinic closed",
            expected_version=1,
            by=officer,
            **kwargs,
        )

    stopped = warned(reschedule)
    moved = reschedule(accept_warnings=stopped.confirmation)

    assert moved.starts_at == at(2026, 12, 28)
    moving.refresh_from_db()
    assert moving.outcome == AppointmentOutcome.RESCHEDULED


# Working days by nation: enforcement deadlines follow the probation team ---------------


@pytest.mark.django_db
def test_an_enforcement_deadline_counts_the_teams_working_days(order, officer):
    scottish = OrderFactory(
        responsible_officer=ProbationOfficerFactory(
            team=ProbationTeamFactory(name="Lothian justice social work", bank_holidays=SCOTLAND)
        )
    )
    missed = {"failure_date": datetime.date(2026, 12, 28), "description": "Missed", "by": officer}
    english = failure_open(
        order=order,
        appointment=AppointmentFactory(order=order, starts_at=at(2026, 12, 28)),
        **missed,
    )
    in_scotland = failure_open(
        order=scottish,
        appointment=AppointmentFactory(order=scottish, starts_at=at(2026, 12, 28)),
        **missed,
    )

    # Ten working days from Monday 28 December 2026: 29, 30, 31 December, then January.
    assert english.deadline == datetime.date(2027, 1, 12)
    # Scotland also stops on 4 January 2027 (2nd January's substitute day).
    assert in_scotland.deadline == datetime.date(2027, 1, 13)
