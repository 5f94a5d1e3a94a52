"""Writes for documents: upload (all or none), virus scan results, removal, retention.

Files are written to the "documents" storage inside the upload's transaction; if anything
fails before the commit every file written is deleted again, so no orphan is left. Files
that must go (a removal, an infected upload, retention) are deleted only once the database
change has committed, so a rolled-back change never loses a file it still points at.
"""

import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_person_record, audit_record
from accounts.enums import AuditAction
from core.queueing import enqueue, enqueue_on_commit

from . import content_types
from .enums import ContentKind, ScanState
from .models import Document
from .scanning import ScannerUnavailable, configured_scanner, scanning_enabled
from .storage import documents_storage

logger = logging.getLogger(__name__)
SCAN_TASK = "documents.scan"
DOCUMENT_DATE_FUTURE = "Date of the document must be today or in the past"


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file that passed upload_check: its shown name and real type."""

    file: UploadedFile
    name: str
    kind: ContentKind


def max_upload_bytes() -> int:
    return settings.LD_DOCUMENT_MAX_BYTES


def max_upload_label() -> str:
    return _size_label(max_upload_bytes())


def _size_label(size: int) -> str:
    if size >= 1024 * 1024:
        megabytes = size / (1024 * 1024)
        return f"{megabytes:.0f} MB" if size % (1024 * 1024) == 0 else f"{megabytes:.1f} MB"
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"


def upload_check(file: UploadedFile) -> CheckedFile:
    """The file's sanitised name and type by content; ValidationError naming the file when
    it is empty, too large, of a type not accepted, or named as another type."""
    name = content_types.sanitise_filename(file.name)
    if not name:
        raise ValidationError(
            f"The file name “{file.name[:80]}” is only path characters: rename the file "
            "and choose it again"
        )
    if not file.size:
        raise ValidationError(f"{name} is empty: choose a file with something in it")
    if file.size > max_upload_bytes():
        raise ValidationError(
            f"{name} is {_size_label(file.size)}: a file must be "
            f"{_size_label(max_upload_bytes())} or smaller"
        )
    kind = content_types.detect(file)
    if kind is None:
        raise ValidationError(
            f"{name} is not a {content_types.ALLOWED_LIST} file: only those can be attached"
        )
    if problem := content_types.name_problem(name, kind):
        raise ValidationError(problem)
    return CheckedFile(file=file, name=name, kind=kind)


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _check_links(person, referral, order):
    if referral is not None and referral.person_id != person.pk:
        raise ValidationError({"link": "Choose a referral of this person"})
    if order is not None and order.person_id != person.pk:
        raise ValidationError({"link": "Choose an order of this person"})


def documents_upload(
    *,
    person,
    files: list[CheckedFile],
    document_type: str,
    document_date,
    title: str,
    description: str = "",
    referral=None,
    order=None,
    by,
    request=None,
) -> list[Document]:
    """Attach `files` to `person`, all or none.

    Side effects: each file written to storage under a random name (all deleted again if
    any step fails), one Document row each, an audit entry each (ids only), and, when
    virus scanning is set up, a scan queued for each after the commit.
    """
    if not files:
        raise ValidationError({"files": "Choose at least one file"})
    if document_date > timezone.localdate():
        raise ValidationError({"document_date": DOCUMENT_DATE_FUTURE})
    _check_links(person, referral, order)
    if order is not None:
        referral = order.referral
    state = ScanState.PENDING if scanning_enabled() else ScanState.NOT_SCANNED
    written: list[str] = []
    try:
        with transaction.atomic():
            documents = [
                _document_create(
                    person,
                    checked,
                    written,
                    by=by,
                    request=request,
                    state=state,
                    document_type=document_type,
                    document_date=document_date,
                    title=title or _stem(checked.name),
                    description=description,
                    referral=referral,
                    order=order,
                )
                for checked in files
            ]
            for document in documents:
                if state == ScanState.PENDING:
                    enqueue_on_commit(SCAN_TASK, document_id=document.pk)
    except BaseException:
        for name in written:
            _delete_file(name)
        raise
    return documents


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0][:200] or name[:200]


def _document_create(person, checked, written, *, by, request, state, **fields) -> Document:
    """One file stored and its row written and audited (ids only)."""
    document = Document(
        person=person,
        original_filename=checked.name,
        size=checked.file.size,
        sha256=_sha256(checked.file),
        content_type=checked.kind,
        uploaded_by=by,
        uploaded_at=timezone.now(),
        team_id=by.team_id,
        scan_state=state,
        **fields,
    )
    document.file.save(checked.name, checked.file, save=False)
    written.append(document.file.name)
    document.save()
    audit_person_record(
        document, action=AuditAction.CREATE, by=by, detail="document attached", request=request
    )
    return document


def _delete_file(name: str) -> None:
    try:
        documents_storage().delete(name)
    except Exception:  # a storage outage must not undo the database change; logged
        logger.exception("Could not delete a document file from storage")


def _delete_file_on_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: _delete_file(name))


def document_remove(*, document: Document, reason: str, by, request=None) -> Document:
    """Mark a document recorded in error, with a reason (kept for the audit trail).

    Side effects: removed_at/by/reason set, the stored file deleted after the commit (a
    file attached in error is often another person's: it must not stay readable), an
    audit entry. Refused for a document already removed.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the document was recorded in error"})
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.is_removed:
            raise ValidationError("This document has already been marked as recorded in error")
        stored = locked.file.name
        locked.removed_at = timezone.now()
        locked.removed_by = by
        locked.removal_reason = reason
        locked.file = ""
        locked.save(update_fields=["removed_at", "removed_by", "removal_reason", "file"])
        audit_person_record(
            locked,
            action=AuditAction.CHANGE,
            by=by,
            detail="document recorded in error",
            request=request,
        )
        _delete_file_on_commit(stored)
    return locked


def document_scan(*, document_id: int) -> str | None:
    """Scan one pending document and record the result; return the new state, or None
    when there was nothing to do or the scanner could not answer (it stays pending and the
    sweep tries again).

    Side effects: scan_state and scanned_at (clean or infected), an audit entry, and for an
    infected file its deletion from storage after the commit.
    """
    scanner = configured_scanner()
    document = Document.objects.filter(pk=document_id, scan_state=ScanState.PENDING).first()
    if scanner is None or document is None or not document.file:
        return None
    try:
        with document.file.open("rb") as stream:
            result = scanner.scan(stream)
    except ScannerUnavailable:
        Document.objects.filter(pk=document.pk).update(scan_attempts=document.scan_attempts + 1)
        logger.warning("Virus scanner unavailable for document %s; will retry", document.pk)
        return None
    return _scan_record(document, result)


def _scan_record(document, result) -> str | None:
    with transaction.atomic():
        locked = (
            Document.objects.select_for_update()
            .filter(pk=document.pk, scan_state=ScanState.PENDING)
            .first()
        )
        if locked is None:  # another run recorded it first
            return None
        locked.scanned_at = timezone.now()
        locked.scan_attempts += 1
        locked.scan_state = ScanState.INFECTED if result.infected else ScanState.CLEAN
        locked.scan_signature = result.signature if result.infected else ""
        fields = ["scanned_at", "scan_attempts", "scan_state", "scan_signature"]
        if result.infected:
            _delete_file_on_commit(locked.file.name)
            locked.file = ""
            fields.append("file")
        locked.save(update_fields=fields)
        detail = "virus scan: infected, file blocked" if result.infected else "virus scan: clean"
        audit_record(
            action=AuditAction.CHANGE,
            obj=locked,
            person_id=locked.person_id,
            detail=detail,
            username="virus-scan",
        )
    return locked.scan_state


def documents_scan_pending(*, older_than_seconds: int = 120) -> int:
    """Queue a scan for every document still pending after `older_than_seconds` (the
    scanner was down, or the broker lost the task); return how many were queued."""
    if not scanning_enabled():
        return 0
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    ids = list(
        Document.objects.filter(scan_state=ScanState.PENDING, uploaded_at__lt=cutoff)
        .order_by("uploaded_at")
        .values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        enqueue(SCAN_TASK, document_id=pk)
    return len(ids)


def documents_purge_for_people(person_ids) -> int:
    """Retention: delete the people's documents, rows and files (files after the commit).
    Returns how many documents were deleted."""
    rows = list(Document.objects.filter(person_id__in=person_ids).values_list("pk", "file"))
    Document.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    for _pk, name in rows:
        _delete_file_on_commit(name)
    return len(rows)
