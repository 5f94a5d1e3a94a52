"""Kept for the imports of this app: the helpers live in core.queueing (documents use them too)."""

from core.queueing import enqueue, enqueue_on_commit

__all__ = ["enqueue", "enqueue_on_commit"]
