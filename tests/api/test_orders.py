"""A probation system's client: its team's orders (keyset pages), their appointments, and
appointment outcomes recorded with If-Match."""

import datetime

import pytest
from django.urls import reverse

from tests.treatment_requirements.factories import (
    AppointmentFactory,
    OrderFactory,
    ProbationOfficerFactory,
)

from .conftest import bearer, token_for

PROBLEM = "application/problem+json"


@pytest.fixture
def officer(probation_team):
    return ProbationOfficerFactory(team=probation_team)


@pytest.fixture
def probation(client, register, probation_team):
    def build(scopes=("orders:read", "appointments:write")):
        api_client, secret = register(probation_team, list(scopes))
        return bearer(token_for(client, api_client, secret))

    return build


def _outcome(client, auth, appointment, etag, outcome="attended_complied"):
    headers = dict(auth)
    if etag is not None:
        headers["HTTP_IF_MATCH"] = etag
    return client.post(
        reverse("api:appointment_outcome", args=[appointment.pk]),
        {"outcome": outcome},
        content_type="application/json",
        **headers,
    )


@pytest.mark.django_db
def test_orders_are_the_teams_only_in_keyset_pages(client, probation, officer, monkeypatch):
    monkeypatch.setattr("api.orders.PAGE_SIZE", 2)
    ours = [OrderFactory(responsible_officer=officer) for _ in range(3)]
    OrderFactory()  # another probation team's
    auth = probation()

    first = client.get(reverse("api:order_list"), **auth).json()
    second = client.get(reverse("api:order_list"), {"cursor": first["next_cursor"]}, **auth).json()

    seen = [o["id"] for o in first["results"] + second["results"]]
    assert sorted(seen) == sorted(o.pk for o in ours)
    assert len(first["results"]) == 2 and second["next_cursor"] is None
    assert "_" not in first["next_cursor"]  # opaque: not the date and id


@pytest.mark.django_db
def test_malformed_cursor_reads_the_first_page(client, probation, officer):
    OrderFactory(responsible_officer=officer)

    response = client.get(reverse("api:order_list"), {"cursor": "%%%"}, **probation())

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


@pytest.mark.django_db
def test_another_teams_order_is_not_found(client, probation):
    elsewhere = OrderFactory()

    response = client.get(reverse("api:order_detail", args=[elsewhere.pk]), **probation())

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


@pytest.mark.django_db
def test_appointments_listed_with_etags(client, probation, officer):
    order = OrderFactory(responsible_officer=officer)
    later = AppointmentFactory(order=order)
    earlier = AppointmentFactory(
        order=order, starts_at=later.starts_at - datetime.timedelta(days=7)
    )

    response = client.get(reverse("api:order_appointments", args=[order.pk]), **probation())

    assert [(a["id"], a["etag"]) for a in response.json()] == [
        (earlier.pk, f'"{earlier.pk}-{earlier.version}"'),
        (later.pk, f'"{later.pk}-{later.version}"'),
    ]


@pytest.mark.django_db
def test_outcome_recorded_with_the_current_etag(client, probation, officer):
    appointment = AppointmentFactory(order=OrderFactory(responsible_officer=officer))
    auth = probation()

    response = _outcome(client, auth, appointment, f'"{appointment.pk}-{appointment.version}"')

    appointment.refresh_from_db()
    assert response.status_code == 200
    assert appointment.outcome == "attended_complied"
    assert response["ETag"] == f'"{appointment.pk}-{appointment.version}"'


@pytest.mark.django_db
def test_outcome_with_a_stale_etag_is_412_and_without_one_428(client, probation, officer):
    appointment = AppointmentFactory(order=OrderFactory(responsible_officer=officer))
    auth = probation()

    stale = _outcome(client, auth, appointment, f'"{appointment.pk}-{appointment.version - 1}"')
    missing = _outcome(client, auth, appointment, None)

    appointment.refresh_from_db()
    assert (stale.status_code, missing.status_code) == (412, 428)
    assert stale["Content-Type"] == PROBLEM
    assert appointment.outcome == ""


@pytest.mark.django_db
def test_outcome_not_one_of_the_choices_is_refused(client, probation, officer):
    appointment = AppointmentFactory(order=OrderFactory(responsible_officer=officer))

    response = _outcome(
        client, probation(), appointment, f'"{appointment.pk}-{appointment.version}"', "maybe"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["outcome"]


@pytest.mark.django_db
def test_outcome_needs_the_write_scope(client, probation, officer):
    appointment = AppointmentFactory(order=OrderFactory(responsible_officer=officer))

    response = _outcome(
        client,
        probation(scopes=("orders:read",)),
        appointment,
        f'"{appointment.pk}-{appointment.version}"',
    )

    assert response.status_code == 403


@pytest.mark.django_db
def test_outcome_on_another_teams_appointment_is_not_found(client, probation):
    appointment = AppointmentFactory()

    response = _outcome(client, probation(), appointment, f'"{appointment.pk}-1"')

    assert response.status_code == 404


@pytest.mark.django_db
def test_failure_to_comply_without_notes_is_refused_as_on_the_screen(client, probation, officer):
    appointment = AppointmentFactory(order=OrderFactory(responsible_officer=officer))

    response = _outcome(
        client,
        probation(),
        appointment,
        f'"{appointment.pk}-{appointment.version}"',
        "attended_failed",
    )

    appointment.refresh_from_db()
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert list(response.json()["errors"]) == ["notes"]
    assert appointment.outcome == ""


@pytest.mark.django_db
def test_outcome_already_recorded_is_a_conflict(client, probation, officer):
    appointment = AppointmentFactory(order=OrderFactory(responsible_officer=officer))
    auth = probation()
    _outcome(client, auth, appointment, f'"{appointment.pk}-{appointment.version}"')
    appointment.refresh_from_db()

    again = _outcome(client, auth, appointment, f'"{appointment.pk}-{appointment.version}"')

    assert again.status_code == 409
