"""The beat schedule keeps London wall-clock times across the clock changes."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from config.celery import app

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


def london(*args):
    return datetime.datetime(*args, tzinfo=LONDON)


def next_run(entry_name, now):
    schedule = app.conf.beat_schedule[entry_name]["schedule"]
    schedule.app = app
    with time_machine.travel(now, tick=False):
        # In UTC: aware-datetime arithmetic in a DST zone would add wall-clock time.
        return now.astimezone(UTC) + schedule.remaining_estimate(now)


@pytest.mark.parametrize(
    ("last_run", "expected_utc"),
    [
        # October: BST (UTC+1) on Saturday, GMT (UTC+0) from Sunday 25 October 2026.
        (london(2026, 10, 24, 8, 0, 30), datetime.datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),
        # March: GMT on Saturday, BST from Sunday 28 March 2027.
        (london(2027, 3, 27, 8, 0, 30), datetime.datetime(2027, 3, 28, 7, 0, tzinfo=UTC)),
    ],
)
def test_morning_reminders_stay_at_8am_london_across_the_clock_change(last_run, expected_utc):
    upcoming = next_run("reminders-daily", last_run)

    assert upcoming.astimezone(UTC) == expected_utc
    assert upcoming.astimezone(LONDON).time() == datetime.time(8, 0)


@pytest.mark.parametrize(
    ("last_run", "not_yet", "due"),
    [
        (
            london(2026, 10, 24, 8, 0, 30),
            datetime.datetime(2026, 10, 25, 7, 59, tzinfo=UTC),  # 07:59 GMT
            datetime.datetime(2026, 10, 25, 8, 0, 1, tzinfo=UTC),  # 08:00 GMT
        ),
        (
            london(2027, 3, 27, 8, 0, 30),
            datetime.datetime(2027, 3, 28, 6, 59, tzinfo=UTC),  # 07:59 BST
            datetime.datetime(2027, 3, 28, 7, 0, 1, tzinfo=UTC),  # 08:00 BST
        ),
    ],
)
def test_morning_reminders_fall_due_at_8am_london_not_8am_utc(last_run, not_yet, due):
    schedule = app.conf.beat_schedule["reminders-daily"]["schedule"]
    schedule.app = app

    with time_machine.travel(not_yet, tick=False):
        early = schedule.is_due(last_run).is_due
    with time_machine.travel(due, tick=False):
        on_time = schedule.is_due(last_run).is_due

    assert (early, on_time) == (False, True)


def test_overnight_run_is_at_2am_london_after_the_october_change():
    upcoming = next_run("reporting-overnight", london(2026, 10, 24, 2, 0, 30))

    assert upcoming.astimezone(LONDON) == london(2026, 10, 25, 2, 0)
    assert upcoming.astimezone(UTC).hour == 2


def test_celery_uses_json_late_acks_and_short_broker_timeouts():
    conf = app.conf

    assert (conf.task_serializer, list(conf.accept_content)) == ("json", ["json"])
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert str(conf.timezone) == "Europe/London"
    assert conf.broker_transport_options["socket_connect_timeout"] <= 2
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit


def test_every_scheduled_task_is_registered():
    app.loader.import_default_modules()

    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks
