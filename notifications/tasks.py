"""Thin Celery tasks: ids in, domain functions called, nothing lost if a worker dies.

Every task here is idempotent (the rows' unique keys and conditional claims make a second
run harmless), so acks_late + reject_on_worker_lost (config.celery) can redeliver freely.
"""

from celery import shared_task

from . import delivery, outbox, person_delivery, rules


@shared_task(name="notifications.deliver_reminder", bind=True, time_limit=60, soft_time_limit=45)
def deliver_reminder(self, *, reminder_id: int):
    outcome = delivery.deliver_one(reminder_id=reminder_id)
    if outcome is not None and outcome.retry_in is not None:
        # If this retry message is lost, the row is still pending: the sweep re-queues it.
        raise self.retry(countdown=outcome.retry_in, max_retries=None)


@shared_task(name="notifications.deliver_pending")
def deliver_pending():
    return delivery.queue_due()


@shared_task(name="notifications.sweep")
def sweep():
    """Every few minutes: release claims of dead workers and queue whatever is due."""
    return delivery.sweep()


@shared_task(
    name="notifications.person_message_deliver", bind=True, time_limit=60, soft_time_limit=45
)
def person_message_deliver(self, *, message_id: int):
    """Send one message to the person (queued on commit by notifications.person_messages for
    a message due now, and by the sweep)."""
    outcome = person_delivery.deliver_person_message(message_id)
    if outcome is not None and outcome.retry_in is not None:
        # If this retry message is lost, the row is still pending: the sweep re-queues it.
        raise self.retry(countdown=outcome.retry_in, max_retries=None)


@shared_task(name="notifications.person_messages_sweep")
def person_messages_sweep():
    """Every minute: settle claims of dead workers (asking Notify) and queue what is due,
    such as the day-before reminders once their `send_after` has passed."""
    return person_delivery.person_messages_sweep()


@shared_task(name="notifications.run_hourly_rules")
def run_hourly_rules():
    return rules.run_rules(rules.HOURLY_RULES)


@shared_task(name="notifications.run_allocation_rules")
def run_allocation_rules():
    """Queued on commit by the services that allocate referrals and orders: the reminder to
    the new holder now rather than at the next hourly run (which also runs these rules)."""
    return rules.run_rules(rules.ALLOCATION_RULES)


@shared_task(name="notifications.run_daily_rules")
def run_daily_rules():
    return rules.run_rules(rules.DAILY_RULES)


@shared_task(name="notifications.send_digests", bind=True, max_retries=5)
def send_digests(self):
    sent, failed = delivery.send_digests()
    if failed:
        raise self.retry(countdown=outbox.backoff_seconds(self.request.retries + 1))
    return sent
