"""The booking and reschedule screens with the booking checks: warnings shown with "Book
anyway" (good for the dates warned about only), the same person's clash beside the date
and never overridden, the person's risk flags on the screens, times typed as people type
them."""

import datetime
import html
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.enums import BankHolidays
from tests.risks.factories import raise_flag
from treatment_requirements.models import Appointment

from .conftest import make_order
from .factories import AppointmentFactory, OrderFactory
from .screens import warnings_confirmation

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
BOXING_DAY_WARNING = (
    "Monday 28 December 2026 is a bank holiday (Boxing Day (substitute day)) in England and Wales"
)


def at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _monday_30_november_2026(time_machine):
    time_machine.move_to(at(2026, 11, 30, 9), tick=False)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def _book_url(order):
    return reverse("treatment_requirements:appointment_new", args=[order.pk])


def _booking(date="28/12/2026", **data):
    return {"date": date, "time": "10:00", "purpose": "Key work", "recurrence": "none"} | data


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_bank_holiday_is_shown_as_a_warning_and_books_once_confirmed(officer_client, order):
    shown = officer_client.post(_book_url(order), _booking())

    assert shown.status_code == 200
    assert BOXING_DAY_WARNING in page_text(shown)
    assert "Book anyway" in page_text(shown)
    assert not Appointment.objects.exists()

    confirmation = warnings_confirmation(shown)
    booked = officer_client.post(
        _book_url(order), _booking(book_anyway="on", confirmation=confirmation)
    )

    assert booked.status_code == 302
    assert [a.starts_at for a in Appointment.objects.all()] == [at(2026, 12, 28)]


def test_the_confirmation_does_not_carry_over_to_other_dates(officer_client, order):
    confirmation = warnings_confirmation(officer_client.post(_book_url(order), _booking()))

    other_date = officer_client.post(
        _book_url(order), _booking("27/12/2026", book_anyway="on", confirmation=confirmation)
    )
    unconfirmed = officer_client.post(_book_url(order), _booking(book_anyway="on"))
    not_ticked = officer_client.post(_book_url(order), _booking(confirmation=confirmation))

    assert "Sunday 27 December 2026 is at the weekend" in page_text(other_date)
    assert BOXING_DAY_WARNING in page_text(unconfirmed)
    assert BOXING_DAY_WARNING in page_text(not_ticked)
    assert not Appointment.objects.exists()


def test_a_weekday_books_straight_away(officer_client, order):
    response = officer_client.post(_book_url(order), _booking("29/12/2026"))

    assert response.status_code == 302
    assert Appointment.objects.count() == 1


def test_the_persons_clash_is_shown_beside_the_date_and_cannot_be_booked_anyway(
    officer_client, order, officer
):
    other_order = OrderFactory(
        person=order.person, responsible_officer=officer, probation_team=officer.team
    )
    AppointmentFactory(order=other_order, starts_at=at(2026, 12, 29, 10, 30))

    response = officer_client.post(
        _book_url(order), _booking("29/12/2026", book_anyway="on", confirmation="0" * 32)
    )

    assert response.status_code == 400
    assert response.context["form"].errors["date"] == [
        "The person already has an appointment on Tuesday 29 December 2026 at 10:30"
    ]
    assert "Book anyway" not in page_text(response)
    assert Appointment.objects.filter(order=order).count() == 0


def test_rescheduling_onto_a_bank_holiday_asks_to_reschedule_anyway(officer_client, order):
    appointment = AppointmentFactory(order=order, starts_at=at(2026, 12, 22))
    url = reverse("treatment_requirements:appointment_reschedule", args=[order.pk, appointment.pk])
    data = {"version": 1, "date": "28/12/2026", "time": "10:00", "reason": "Clinic closed"}

    shown = officer_client.post(url, data)
    moved = officer_client.post(
        url, data | {"book_anyway": "on", "confirmation": warnings_confirmation(shown)}
    )

    assert BOXING_DAY_WARNING in page_text(shown)
    assert "Reschedule anyway" in page_text(shown)
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.rescheduled_to.starts_at == at(2026, 12, 28)


def test_the_persons_risk_flags_show_on_the_booking_and_reschedule_screens(
    officer_client, order, practitioner, provider_team
):
    raise_flag(order.person, practitioner)
    appointment = AppointmentFactory(order=order, starts_at=at(2026, 12, 22))
    clear_order = make_order(practitioner, order.responsible_officer, provider_team)

    pages = {
        "booking": officer_client.get(_book_url(order)),
        "booking with warnings": officer_client.post(_book_url(order), _booking()),
        "reschedule": officer_client.get(
            reverse(
                "treatment_requirements:appointment_reschedule", args=[order.pk, appointment.pk]
            )
        ),
    }
    clear = officer_client.get(_book_url(clear_order))

    for name, response in pages.items():
        assert "Risk: Risk to staff, raised on" in page_text(response), name
    assert "data-person-risk" not in page_text(clear)


@pytest.mark.parametrize(
    ("typed", "booked_at"),
    [
        ("9:30", datetime.time(9, 30)),
        ("0930", datetime.time(9, 30)),
        ("9.30am", datetime.time(9, 30)),
        ("9.30 am", datetime.time(9, 30)),
        ("14:05", datetime.time(14, 5)),
        ("2pm", datetime.time(14, 0)),
    ],
)
def test_the_booking_form_reads_times_as_people_type_them(officer_client, order, typed, booked_at):
    response = officer_client.post(_book_url(order), _booking("29/12/2026", time=typed))

    assert response.status_code == 302
    assert Appointment.objects.get().starts_at == datetime.datetime.combine(
        datetime.date(2026, 12, 29), booked_at, tzinfo=LONDON
    )


@pytest.mark.parametrize(
    ("bank_holidays", "marked"),
    [(BankHolidays.SCOTLAND, True), (BankHolidays.ENGLAND_AND_WALES, False)],
)
def test_the_week_marks_the_bank_holidays_of_the_officers_team(
    officer_client, officer, bank_holidays, marked
):
    officer.team.bank_holidays = bank_holidays
    officer.team.save()

    response = officer_client.get(reverse("treatment_requirements:caseload_week"))

    monday = [day for day in response.context["days"] if day.date == datetime.date(2026, 11, 30)]
    assert monday[0].bank_holiday is marked  # St Andrew's Day
    tagged = 'data-day="2026-11-30">Monday 30 November (today) <strong' in page_text(response)
    assert tagged is marked
