"""Queue Celery tasks without ever letting a stopped broker break or stall a request.

Work that must not be lost is a database row first (a reminder, a document awaiting its
virus scan); a task is only a nudge. If the broker is down the publish fails fast (short
timeouts in settings) and is logged, and the periodic sweep finds the row later.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task_name: str, **kwargs) -> bool:
    """Send the task by name; return False (and log) instead of raising if the broker fails."""
    from config.celery import app

    try:
        if app.conf.task_always_eager:
            app.loader.import_default_modules()  # autodiscovery is lazy outside a worker
            app.tasks[task_name].apply(kwargs=kwargs)
        else:
            app.send_task(task_name, kwargs=kwargs)
    except Exception as exc:  # any broker failure: the sweep will catch up
        logger.warning("Could not queue %s (%s); the next sweep will pick it up", task_name, exc)
        return False
    return True


def enqueue_on_commit(task_name: str, **kwargs) -> None:
    """Queue the task once the current transaction commits (never for rolled-back work)."""
    transaction.on_commit(lambda: enqueue(task_name, **kwargs))
