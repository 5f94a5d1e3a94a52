"""Thin Celery tasks for calendar invites: ids in, notifications.calendar_invites called.

Imported by NotificationsConfig.ready() (autodiscovery looks only at tasks.py). Idempotent,
as every notifications task: the conditional claim makes a second run send nothing.
"""

from celery import shared_task

from . import calendar_invites


@shared_task(
    name="notifications.deliver_calendar_invite", bind=True, time_limit=60, soft_time_limit=45
)
def deliver_calendar_invite(self, *, invite_id: int):
    outcome = calendar_invites.deliver_invite(invite_id=invite_id)
    if outcome is not None and outcome.retry_in is not None:
        # If this retry message is lost, the row is still pending: the sweep re-queues it.
        raise self.retry(countdown=outcome.retry_in, max_retries=None)


@shared_task(name="notifications.calendar_invites_sweep")
def calendar_invites_sweep():
    """Every few minutes: release claims of dead workers and queue whatever is due."""
    return calendar_invites.sweep()
