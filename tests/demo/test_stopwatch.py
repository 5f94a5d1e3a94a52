"""demo.stopwatch: the closing VACUUM ANALYZE of seeding and the readings it prints."""

import time

import pytest
from django.db import connection

from demo.stopwatch import BackgroundVacuum, Reading, vacuum_analyze
from referrals.models import Referral


@pytest.mark.django_db
def test_vacuum_analyze_visits_every_table_on_its_own_connections(postgres):
    # Its connections are the worker threads' own, outside this test's transaction (VACUUM
    # cannot run inside one); a transactional test would empty the coded lists instead.
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        (started,) = cursor.fetchone()

    spent = vacuum_analyze(workers=2)

    assert _tables_not_vacuumed_since(started) == []
    assert spent is None or spent >= 0


@pytest.mark.django_db
def test_background_vacuum_leaves_the_held_back_table_until_finish(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        (started,) = cursor.fetchone()
    held_back = Referral._meta.db_table

    vacuum = BackgroundVacuum(held_back=[held_back])
    meanwhile = _tables_not_vacuumed_since(started)
    spent = vacuum.finish()

    assert meanwhile == [held_back]
    assert _tables_not_vacuumed_since(started) == []
    assert spent is None or spent >= 0


def _tables_not_vacuumed_since(started, wait=5.0) -> list:
    """Backends report their statistics within a second or so of ending: poll."""
    deadline = time.monotonic() + wait
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT relname FROM pg_stat_user_tables "
                "WHERE last_vacuum IS NULL OR last_vacuum < %s OR last_analyze < %s",
                [started, started],
            )
            missed = [name for (name,) in cursor.fetchall()]
            if not missed or time.monotonic() > deadline:
                return missed
            time.sleep(0.2)


def test_reading_adds_another_connections_database_cpu():
    step = Reading(wall=2.0, cpu=1.0, database_cpu=0.5) - Reading(0.5, 0.25, 0.25)

    assert str(step) == "1.5 s; CPU 0.8 s + PostgreSQL 0.2 s"
    assert str(step.plus_database(1.0)) == "1.5 s; CPU 0.8 s + PostgreSQL 1.2 s"
    assert str(Reading(1.0, 1.0, None).plus_database(1.0)) == "1.0 s; CPU 1.0 s"
