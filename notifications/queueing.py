"""Queueing lives in core.queueing (the apps to the left of notifications nudge its tasks
too, by name); kept here for the notifications modules and tests that import it."""

from core.queueing import enqueue, enqueue_on_commit

__all__ = ["enqueue", "enqueue_on_commit"]
