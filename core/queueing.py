"""Queue Celery tasks without ever letting a stopped broker break or stall a request.

Work that must not be lost is a database row first; a task is only a nudge. If the broker
is down the publish fails fast (short timeouts in settings) and is logged, and the
periodic sweep finds the row later.
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


class _Enqueue:
    """The on-commit callback for one task and its arguments (equal if both are the same)."""

    def __init__(self, task_name: str, kwargs: dict):
        self.key = (task_name, tuple(sorted(kwargs.items())))
        self.task_name, self.kwargs = task_name, kwargs

    def __eq__(self, other):
        return isinstance(other, _Enqueue) and other.key == self.key

    __hash__ = None

    def __call__(self):
        enqueue(self.task_name, **self.kwargs)


def enqueue_on_commit(task_name: str, *, once: bool = False, **kwargs) -> None:
    """Queue the task once the current transaction commits (never for rolled-back work).

    once=True: not again if the same task with the same arguments already waits for this
    transaction's commit (a bulk action calling a service per record nudges one run).
    """
    callback = _Enqueue(task_name, kwargs)
    connection = transaction.get_connection()
    if once and any(entry[1] == callback for entry in connection.run_on_commit):
        return
    transaction.on_commit(callback)
