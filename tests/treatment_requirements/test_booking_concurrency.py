"""Two officers book the same person at the same moment, on two of their orders: each
booking locks its own order, so without the person's row locked (services.booking
`booking_check`) both would find no clash and both would book."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from treatment_requirements import services
from treatment_requirements.models import Appointment

from .factories import OrderFactory, ProbationOfficerFactory, days

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_simultaneous_bookings_of_one_person_book_one(postgres, order, officer):
    colleague = ProbationOfficerFactory(team=officer.team)
    second_order = OrderFactory(
        person=order.person, responsible_officer=colleague, probation_team=officer.team
    )
    when = timezone.make_aware(datetime.datetime.combine(days(7), datetime.time(10)))
    start = threading.Barrier(2)
    refused, errors = [], []

    def book(on_order, by):
        try:
            start.wait(timeout=10)
            services.appointment_schedule(
                order=on_order, starts_at=when, purpose="Key work", accept_warnings=True, by=by
            )
        except ValidationError as exc:
            refused.append(exc.message_dict["starts_at"])
        except Exception as exc:  # noqa: BLE001 - reported below, whatever it is
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=book, args=(order, officer)),
        threading.Thread(target=book, args=(second_order, colleague)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert Appointment.objects.filter(order__person=order.person).count() == 1
    assert len(refused) == 1
    assert refused[0][0].startswith("The person already has an appointment on ")
