"""Overnight tasks: thin wrappers that record their own runs and never raise into beat."""

from celery import shared_task

from . import housekeeping, overnight


@shared_task(name="reporting.overnight_run", time_limit=3 * 3600, soft_time_limit=3 * 3600 - 60)
def overnight_run():
    runs = overnight.overnight_run(trigger="beat")
    return [(run.snapshot_date.isoformat(), run.status, run.rows_written) for run in runs]


@shared_task(name="reporting.housekeeping", time_limit=3600, soft_time_limit=3540)
def housekeeping_run():
    return housekeeping.run_housekeeping()
