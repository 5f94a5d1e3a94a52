"""The overnight run: build each missing day's snapshot, record the run, tell subscribers.

`overnight_run()` builds every day from the day after the newest complete snapshot up to
yesterday (London), so a night the worker or beat missed is caught up on the next run.
Each day is one transaction and one ReportingRun row (started, finished, rows, error).
"""

import logging
from datetime import date, timedelta
from time import perf_counter

from django.conf import settings
from django.utils import timezone

from .models import FACT_TABLES, ReportingRun, RunStatus
from .snapshots import rebuild_day

logger = logging.getLogger(__name__)
MAX_CATCH_UP_DAYS = 31


def build_day(day: date, *, trigger: str = "command") -> ReportingRun:
    """Rebuild one day's snapshot and record the run. Never raises: errors are recorded."""
    run = ReportingRun.objects.create(snapshot_date=day, trigger=trigger)
    started = perf_counter()
    try:
        rows = rebuild_day(day)
    except Exception as exc:
        logger.exception("Reporting snapshot for %s failed", day)
        run.status = RunStatus.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
    else:
        run.status, run.rows_written = RunStatus.SUCCEEDED, rows
    run.finished_at = timezone.now()
    run.seconds = round(perf_counter() - started, 3)
    run.save()
    return run


def days_to_build(today: date | None = None) -> list[date]:
    """Yesterday and any earlier day missed since the newest complete snapshot."""
    today = today or timezone.localdate()
    yesterday = today - timedelta(days=1)
    latest = ReportingRun.latest_snapshot_date()
    first = yesterday if latest is None else latest + timedelta(days=1)
    first = max(first, yesterday - timedelta(days=MAX_CATCH_UP_DAYS - 1))
    return [first + timedelta(days=n) for n in range((yesterday - first).days + 1)]


def overnight_run(*, trigger: str = "beat") -> list[ReportingRun]:
    runs = [build_day(day, trigger=trigger) for day in days_to_build()]
    if any(run.status == RunStatus.SUCCEEDED for run in runs):
        prune_old_snapshots()
        notify_subscribers(runs[-1])
    return runs


def prune_old_snapshots(today: date | None = None) -> int:
    """Drop daily snapshots past the keep period, except each month's last snapshot."""
    today = today or timezone.localdate()
    keep_after = today - timedelta(days=settings.LD_SNAPSHOT_KEEP_DAILY_DAYS)
    old_days = list(
        ReportingRun.objects.filter(snapshot_date__lt=keep_after, status=RunStatus.SUCCEEDED)
        .values_list("snapshot_date", flat=True)
        .distinct()
    )
    month_ends: dict[tuple[int, int], date] = {}
    for day in old_days:
        key = (day.year, day.month)
        month_ends[key] = max(day, month_ends.get(key, day))
    doomed = [d for d in old_days if d not in month_ends.values()]
    deleted = 0
    for model in FACT_TABLES:
        deleted += model.objects.filter(snapshot_date__in=doomed).delete()[0]
    return deleted


def notify_subscribers(run: ReportingRun) -> int:
    """Commissioners who asked get an inbox item and email linking to the dashboards."""
    if run.status != RunStatus.SUCCEEDED:
        return 0
    from notifications.rules import dashboard_updated_reminders
    from notifications.services import reminders_create

    return reminders_create(specs=dashboard_updated_reminders(run=run))
