"""Migration 0008 (issue 12, item 7): existing failures keep their appointment as their one
source; a row with none is linked to its order's single matching appointment, or the
migration stops and says how many rows need a person to link them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from treatment_requirements.models import Failure

from .factories import AppointmentFactory, OrderFactory

APP = "treatment_requirements"
BEFORE = (APP, "0007_reoffending_order_fields_removed")
AFTER = (APP, "0008_failure_from_drug_test_or_appointment")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture(autouse=True)
def _back_to_the_latest_migration():
    """Each test leaves the schema at 0008; later migrations (such as 0012's table rename)
    must be back before the database is flushed for the next test."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _legacy_failure(old_apps, order, day):
    """A failure as 0007 allowed it: no appointment."""
    return (
        old_apps.get_model(APP, "Failure")
        .objects.create(
            order_id=order.pk,
            failure_date=day,
            description="You did not attend.",
            deadline=day + datetime.timedelta(days=14),
            recorded_by_id=order.responsible_officer_id,
        )
        .pk
    )


STOPS = (
    "1 failure(s) to comply have no appointment or drug test, and no single "
    "appointment of their order matches: link each to its source, then migrate again."
)


@pytest.mark.django_db(transaction=True)
def test_migration_stops_at_two_matching_appointments_and_links_a_single_one():
    """Both cases on one trip back to 0007 (the trip unapplies four apps' migrations and is
    most of the test's time): a failure matching two absences stops the migration, then one
    matching a single absence is linked. Each case's failure is reported."""
    day = timezone.localdate() - datetime.timedelta(days=5)
    ambiguous, linked = OrderFactory(), OrderFactory()
    for hour in (10, 14):  # two absences that day: which one is unknown
        AppointmentFactory(
            order=ambiguous, starts_at=_at(day, hour), outcome="unacceptable_absence"
        )
    missed = AppointmentFactory(order=linked, starts_at=_at(day), outcome="unacceptable_absence")
    AppointmentFactory(order=linked, starts_at=_at(day, 15), outcome="attended_complied")
    AppointmentFactory(  # another order's absence on the same day
        starts_at=_at(day), outcome="unacceptable_absence"
    )
    try:
        old_apps = _migrate(BEFORE)
        failures = _stops(old_apps, ambiguous, day)
        legacy = _legacy_failure(old_apps, linked, day)
    finally:
        _migrate(AFTER)

    failure = Failure.objects.get(pk=legacy)
    if (failure.appointment_id, failure.drug_test_id) != (missed.pk, None):
        failures.append(f"linked to {failure.appointment_id, failure.drug_test_id}")
    assert failures == []


def _stops(old_apps, order, day):
    """The migration stops at the order's failure that matches two absences (the schema
    stays at 0007 and the failure is removed); what went wrong, if anything."""
    legacy = _legacy_failure(old_apps, order, day)
    try:
        _migrate(AFTER)
    except RuntimeError as exc:
        problems = [] if str(exc) == STOPS else [f"stopped saying {exc}"]
    else:
        problems = ["the migration did not stop"]
        old_apps = _migrate(BEFORE)  # only 0008 to unapply
    old_apps.get_model(APP, "Failure").objects.filter(pk=legacy).delete()
    return problems
