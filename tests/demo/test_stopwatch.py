"""demo.stopwatch: the closing VACUUM ANALYZE of seeding and the readings it prints."""

import pytest
from django.db import connection

from demo.stopwatch import Reading, vacuum_analyze


@pytest.mark.django_db(transaction=True)
def test_vacuum_analyze_visits_every_table_on_its_own_connections(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        (started,) = cursor.fetchone()

    spent = vacuum_analyze(workers=2)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables "
            "WHERE last_vacuum IS NULL OR last_vacuum < %s OR last_analyze < %s",
            [started, started],
        )
        assert cursor.fetchall() == []
    assert spent is None or spent >= 0


def test_reading_adds_another_connections_database_cpu():
    step = Reading(wall=2.0, cpu=1.0, database_cpu=0.5) - Reading(0.5, 0.25, 0.25)

    assert str(step) == "1.5 s; CPU 0.8 s + PostgreSQL 0.2 s"
    assert str(step.plus_database(1.0)) == "1.5 s; CPU 0.8 s + PostgreSQL 1.2 s"
    assert str(Reading(1.0, 1.0, None).plus_database(1.0)) == "1.0 s; CPU 1.0 s"
