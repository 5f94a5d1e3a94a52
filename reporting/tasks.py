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


@shared_task(name="reporting.return_build", time_limit=3600, soft_time_limit=3540)
def return_build(*, request_id):
    from .return_build import return_build as build

    request = build(request_id=request_id)
    return None if request is None else (request.pk, request.state, request.rows)


@shared_task(name="reporting.returns_sweep", time_limit=600, soft_time_limit=540)
def returns_sweep():
    """Hourly: delete record-level return files past their 7 days; queue again any return
    whose task was lost while the broker was down."""
    from .return_build import returns_expire, returns_requeue_stalled

    return {"expired": returns_expire(), "requeued": returns_requeue_stalled()}
