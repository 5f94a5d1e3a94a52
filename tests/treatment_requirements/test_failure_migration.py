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


@pytest.mark.django_db(transaction=True)
def test_migration_links_a_failure_without_source_to_its_appointment():
    order = OrderFactory()
    day = timezone.localdate() - datetime.timedelta(days=5)
    missed = AppointmentFactory(order=order, starts_at=_at(day), outcome="unacceptable_absence")
    AppointmentFactory(order=order, starts_at=_at(day, 15), outcome="attended_complied")
    AppointmentFactory(  # another order's absence on the same day
        starts_at=_at(day), outcome="unacceptable_absence"
    )
    try:
        old_apps = _migrate(BEFORE)
        legacy = _legacy_failure(old_apps, order, day)
    finally:
        _migrate(AFTER)

    failure = Failure.objects.get(pk=legacy)
    assert (failure.appointment_id, failure.drug_test_id) == (missed.pk, None)


@pytest.mark.django_db(transaction=True)
def test_migration_stops_when_a_failure_matches_no_single_appointment():
    order = OrderFactory()
    day = timezone.localdate() - datetime.timedelta(days=5)
    for hour in (10, 14):  # two absences that day: which one is unknown
        AppointmentFactory(order=order, starts_at=_at(day, hour), outcome="unacceptable_absence")
    old_apps = _migrate(BEFORE)
    legacy = _legacy_failure(old_apps, order, day)
    try:
        with pytest.raises(RuntimeError) as exc:
            _migrate(AFTER)
        assert str(exc.value) == (
            "1 failure(s) to comply have no appointment or drug test, and no single "
            "appointment of their order matches: link each to its source, then migrate again."
        )
    finally:
        old_apps.get_model(APP, "Failure").objects.filter(pk=legacy).delete()
        _migrate(AFTER)
