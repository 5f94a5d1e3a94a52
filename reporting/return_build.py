"""Build the record-level return: one row per referral received in a period, in one file.

`return_request_create` writes the request row and queues `reporting.return_build` after
commit; `return_build` (the task's body) fills an Excel workbook in private storage in
chunks, moving the row's progress, and marks it ready (expiring RETURN_KEEP_DAYS later) or
failed; `returns_expire` deletes files past their expiry (housekeeping and the sweep).
The columns and their sources are in reporting.return_columns; no column is a direct
identifier, free text or a member of staff.
"""

import datetime
import logging
import tempfile
import uuid

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from core.periods import period_last_day
from core.queueing import enqueue_on_commit
from notifications.enums import ReminderKind
from notifications.services import ReminderSpec, reminders_create
from referrals.models import Referral
from referrals.reoffending import LONDON
from referrals.restrictions import hidden_people

from .exports import neutralise
from .models import ReturnRequest, ReturnScope, ReturnState
from .return_columns import DICTIONARY_HEADER, HEADER, dictionary_rows, pseudonym_key
from .return_rows import referral_row, reoffending_by_person

logger = logging.getLogger(__name__)
MAX_MONTHS = 12
RETURN_KEEP_DAYS = 7
CHUNK = 500
STORAGE = "documents"  # private: no URL serves it; read only through the download view
FOLDER = "returns"


def period_too_long(start: datetime.date, end: datetime.date) -> bool:
    """More than the 12 months beginning with `start` (which end the day before its
    anniversary: core.periods)."""
    return end > period_last_day(start, MAX_MONTHS)


def _london_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=LONDON)


def return_referrals(request: ReturnRequest, *, withheld: bool = False):
    """The referrals a return covers: received (London days) in its period, in its scope,
    less those of people hidden from the requester (restricted records, docs/security.md;
    `withheld=True`: only those)."""
    referrals = Referral.objects.filter(
        received_at__gte=_london_midnight(request.period_start),
        received_at__lt=_london_midnight(request.period_end + datetime.timedelta(days=1)),
    )
    if request.scope == ReturnScope.TEAM:
        referrals = referrals.filter(team_id=request.team_id)
    hidden = Q(person_id__in=hidden_people(request.requester))
    referrals = referrals.filter(hidden) if withheld else referrals.exclude(hidden)
    return referrals.order_by("received_at", "pk")


def _with_pathway(referrals):
    from treatment_requirements.models import Order, Recommendation

    orders = Order.objects.order_by("made_on", "pk").prefetch_related(
        "appointments", "warnings", "breaches", "outcome_measures__response"
    )
    recommendations = Recommendation.objects.order_by("ready_at", "pk").prefetch_related(
        "court_outcomes"
    )
    return referrals.select_related("person__ethnicity", "team").prefetch_related(
        Prefetch("orders", queryset=orders), Prefetch("recommendations", queryset=recommendations)
    )


def return_request_create(*, user, scope, team, period_start, period_end) -> ReturnRequest:
    """Ask for a return. Side effects: the row, and the build task queued after commit.

    Raises ValidationError for a period longer than 12 months or ending before it starts.
    """
    if period_end < period_start:
        raise ValidationError({"period_end": "The end of the period must be after its start"})
    if period_too_long(period_start, period_end):
        last = period_last_day(period_start, MAX_MONTHS)
        raise ValidationError(
            {
                "period_end": "A return covers at most 12 months: from "
                f"{period_start:%-d %B %Y} the period may end on {last:%-d %B %Y} at the latest"
            }
        )
    request = ReturnRequest.objects.create(
        requester=user,
        scope=scope,
        team=team if scope == ReturnScope.TEAM else None,
        period_start=period_start,
        period_end=period_end,
    )
    enqueue_on_commit("reporting.return_build", request_id=request.pk)
    return request


def _claim(request_id: int) -> ReturnRequest | None:
    with transaction.atomic():
        request = ReturnRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.state != ReturnState.QUEUED:
            return None  # gone, or already built or being built: a retried task does nothing
        request.state, request.progress = ReturnState.RUNNING, 0
        request.save(update_fields=["state", "progress"])
        return request


def _write_rows(request: ReturnRequest, sheet) -> int:
    withheld = return_referrals(request, withheld=True).count()
    ReturnRequest.objects.filter(pk=request.pk).update(withheld=withheld)
    key, done = pseudonym_key(), 0
    ids = list(return_referrals(request).values_list("pk", flat=True))
    total = len(ids)
    for offset in range(0, len(ids), CHUNK):
        chunk = list(
            _with_pathway(return_referrals(request).filter(pk__in=ids[offset : offset + CHUNK]))
        )
        rearrests = reoffending_by_person({r.person_id for r in chunk})
        for referral in chunk:
            sheet.append([neutralise(v) for v in referral_row(referral, key, rearrests)])
        done += len(chunk)
        percent = min(99, done * 100 // max(total, 1))
        ReturnRequest.objects.filter(pk=request.pk).update(progress=percent, rows=done)
    return done


def _write_workbook(request: ReturnRequest, handle) -> int:
    """Write the return and its data dictionary into `handle`; return the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Return")
    sheet.append(list(HEADER))
    rows = _write_rows(request, sheet)
    dictionary = workbook.create_sheet("Data dictionary")
    dictionary.append(list(DICTIONARY_HEADER))
    for row in dictionary_rows():
        dictionary.append(list(row))
    workbook.save(handle)
    handle.seek(0)
    return rows


def file_name_for(request: ReturnRequest) -> str:
    scope = f"team-{request.team_id}" if request.scope == ReturnScope.TEAM else "area"
    return (
        f"record-level-return_{scope}_{request.period_start.isoformat()}"
        f"_to_{request.period_end.isoformat()}.xlsx"
    )


def return_build(*, request_id: int) -> ReturnRequest | None:
    """Build a queued return's file. Side effects: the file in private storage, the row's
    progress, rows, state (ready with its expiry, or failed), the requester's inbox."""
    request = _claim(request_id)
    if request is None:
        return None
    try:
        with tempfile.TemporaryFile() as handle:
            rows = _write_workbook(request, handle)
            stored = storages[STORAGE].save(f"{FOLDER}/{uuid.uuid4().hex}.xlsx", File(handle))
    except Exception:
        logger.exception("Record-level return %s failed", request.pk)
        ReturnRequest.objects.filter(pk=request.pk).update(
            state=ReturnState.FAILED, finished_at=timezone.now()
        )
        return None
    now = timezone.now()
    request.refresh_from_db(fields=["withheld"])
    request.state, request.progress, request.rows = ReturnState.READY, 100, rows
    request.stored_name, request.file_name = stored, file_name_for(request)
    request.finished_at, request.expires_at = now, now + datetime.timedelta(days=RETURN_KEEP_DAYS)
    request.save()
    _tell_requester(request)
    return request


def _tell_requester(request: ReturnRequest) -> None:
    reminders_create(
        specs=[
            ReminderSpec(
                kind=ReminderKind.RETURN_READY,
                subject_type="reporting.returnrequest",
                subject_id=request.pk,
                due_on=timezone.localdate(),
                recipient_id=request.requester_id,
                title=f"Your record-level return ({request.period_start:%-d %b %Y} to "
                f"{request.period_end:%-d %b %Y}) is ready to download for 7 days",
                link=reverse("reporting:return_detail", args=[request.pk]),
            )
        ]
    )


def returns_expire(now: datetime.datetime | None = None) -> int:
    """Delete the files of returns past their expiry and mark them expired; return how many."""
    now = now or timezone.now()
    storage, expired = storages[STORAGE], 0
    for request in ReturnRequest.objects.filter(state=ReturnState.READY, expires_at__lte=now):
        if request.stored_name:
            storage.delete(request.stored_name)
        ReturnRequest.objects.filter(pk=request.pk).update(
            state=ReturnState.EXPIRED, stored_name=""
        )
        expired += 1
    return expired


def returns_requeue_stalled(now: datetime.datetime | None = None) -> int:
    """Queue again the returns still waiting 10 minutes after they were asked for (the
    broker was down when they were): the row is the queue, the task only a nudge."""
    cutoff = (now or timezone.now()) - datetime.timedelta(minutes=10)
    ids = list(
        ReturnRequest.objects.filter(state=ReturnState.QUEUED, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        enqueue_on_commit("reporting.return_build", request_id=pk)
    return len(ids)
