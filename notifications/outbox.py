"""The one delivery state machine behind every row this app sends once: staff reminders
(notifications.delivery), messages to the person (person_delivery) and calendar invites
(calendar_invites). Each describes its rows as an `Outbox`; the claim, the retry with
backoff, the stale sweep and the queueing are written here once.

    pending --claim--> sending --sent--> sent
       ^                 |  \\--retryable error--> pending (later, with backoff)
       |                 |   \\--permanent error or too many attempts--> failed
       +--stale sweep----+  (a worker that died holding the claim)

A claim is one conditional UPDATE (state still pending and due), so of two workers handed the
same id, one sends and the other finds nothing to do; every later write is conditional on the
claim (`mine`: this row, still sending, claimed at this time), so a released and re-claimed
row is never written by the worker that lost it. Where the row went by GOV.UK Notify, a retry
and a stale claim first ask Notify by the row's reference and settle what Notify already
holds, rather than risk sending twice. Times come from `timezone.now()`, so tests move the
clock with time-machine.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .channels import DeliveryError, Earlier, notify_earlier
from .queueing import enqueue

logger = logging.getLogger(__name__)
SWEEP_BATCH = 2000
# Stale claims are rare (a worker died); a sweep asks Notify about this many at most.
NOTIFY_LOOKUPS_PER_SWEEP = 100
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"

# settle(pk, mine, earlier, now) marks a claimed row as Notify holds it; returns the state.
Settle = Callable[[int, models.QuerySet, Earlier, datetime], str]


@dataclass(frozen=True)
class Outcome:
    state: str
    retry_in: int | None = None


def backoff_seconds(attempts: int) -> int:
    """30 s, 60 s, 120 s ... capped at an hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


@dataclass(frozen=True)
class Outbox:
    """One kind of row sent once: its model, the field holding its state, the task that
    delivers one row (called with `task_arg=pk`) and, for logs, what a row is called."""

    model: type[models.Model]
    state_field: str
    task: str
    task_arg: str
    label: str
    # A further condition for a pending row to be due (a message's `send_after`).
    due: Callable[[datetime], Q] = field(default=lambda now: Q())

    def state(self, value: str) -> dict:
        return {self.state_field: value}

    def claim(self, pk: int, now: datetime) -> models.QuerySet | None:
        """Claim one due pending row for this worker: the queryset of the claim, or None if
        it was not ours to send (already claimed, done, or not yet due)."""
        claimed = (
            self.model.objects.filter(pk=pk, next_attempt_at__lte=now, **self.state(PENDING))
            .filter(self.due(now))
            .update(**self.state(SENDING), claimed_at=now, attempts=F("attempts") + 1)
        )
        return self.claimed(pk, now) if claimed else None

    def claimed(self, pk: int, claimed_at: datetime) -> models.QuerySet:
        return self.model.objects.filter(pk=pk, claimed_at=claimed_at, **self.state(SENDING))

    def record_failure(self, row, mine: models.QuerySet, error: DeliveryError) -> Outcome:
        """A failed attempt: failed for good if it cannot succeed or has been tried enough,
        else pending again after a backoff. The error's text holds no personal data."""
        logger.warning("%s %s not sent: %s", self.label, row.pk, error)
        last_error = str(error)[:255]
        if not error.retryable or row.attempts >= settings.LD_REMINDER_MAX_ATTEMPTS:
            mine.update(**self.state(FAILED), last_error=last_error)
            return Outcome(FAILED)
        delay = backoff_seconds(row.attempts)
        mine.update(
            **self.state(PENDING),
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            last_error=last_error,
        )
        return Outcome(PENDING, retry_in=delay)

    def held_by_notify(
        self, row, mine: models.QuerySet, *, reference: str, settle: Settle
    ) -> Outcome | None:
        """On a retry by Notify, the outcome if Notify already holds the row's message, else
        None. A timeout or 5xx may come after Notify accepted it, so a retry asks first; if
        Notify cannot be asked, this attempt fails (retryable) rather than risk a second one."""
        if not row.last_error:
            return None
        try:
            earlier = notify_earlier(reference=reference)
        except DeliveryError as exc:
            return self.record_failure(row, mine, exc)
        if earlier is None:
            return None
        return Outcome(settle(row.pk, mine, earlier, timezone.now()))

    def stale(self, now: datetime) -> models.QuerySet:
        """Rows claimed longer than the timeout: their worker is taken to be lost."""
        timeout = timedelta(seconds=settings.LD_REMINDER_SENDING_TIMEOUT_SECONDS)
        return self.model.objects.filter(claimed_at__lt=now - timeout, **self.state(SENDING))

    def release(self, rows: models.QuerySet, now: datetime) -> int:
        """Put claimed rows back to pending, due now (the channel cannot be asked)."""
        return rows.update(**self.state(PENDING), next_attempt_at=now)

    def settle_with_notify(
        self, stale: models.QuerySet, *, now, reference: Callable[[int], str], settle: Settle
    ) -> int:
        """Ask Notify about each stale claim: settle what it holds, release the rest.

        If Notify cannot be asked, the claims stay (stale) for the next sweep: not knowing
        whether the first attempt reached Notify, sending now could be the duplicate this
        check is for; the rest wait too, as Notify is unlikely to answer for them now."""
        released = 0
        claims = stale.order_by("claimed_at", "id").values_list("pk", "claimed_at")
        for pk, claimed_at in claims[:NOTIFY_LOOKUPS_PER_SWEEP]:
            try:
                earlier = notify_earlier(reference=reference(pk))
            except DeliveryError as exc:
                logger.warning("%s %s left sending: %s", self.label, pk, exc)
                break
            mine = self.claimed(pk, claimed_at)
            if earlier is None:
                released += self.release(mine, now)
            else:
                settle(pk, mine, earlier, now)
        return released

    def queue_due(self, *, limit: int = SWEEP_BATCH) -> int:
        """Queue a delivery task for each pending row whose time has come."""
        now = timezone.now()
        ids = list(
            self.model.objects.filter(next_attempt_at__lte=now, **self.state(PENDING))
            .filter(self.due(now))
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        for pk in ids:
            if not enqueue(self.task, **{self.task_arg: pk}):
                break  # broker down: the next sweep tries again
        return len(ids)
