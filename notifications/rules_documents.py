"""Reminders about documents (documents app): the uploader of a file the virus scan blocked."""

from django.utils import timezone

from documents.enums import ScanState
from documents.models import Document

from .enums import ReminderKind
from .rules import LOOKBACK, link_to, register_rule
from .services import ReminderSpec


def document_blocked() -> list[ReminderSpec]:
    """A document found infected within the look-back window: one reminder to whoever
    attached it (the wording holds its reference only, never the file's name or title)."""
    now = timezone.now()
    rows = Document.objects.filter(
        scan_state=ScanState.INFECTED, scanned_at__gte=now - LOOKBACK, scanned_at__lte=now
    ).values_list("pk", "person_id", "uploaded_by_id", "scanned_at")
    return [
        ReminderSpec(
            kind=ReminderKind.DOCUMENT_BLOCKED,
            subject_type="documents.document",
            subject_id=pk,
            due_on=timezone.localdate(scanned_at),
            recipient_id=uploaded_by_id,
            title=f"Document D{pk:06d} was blocked: a virus was found in it. "
            "Ask the sender for a clean copy",
            link=link_to("documents:person_documents", person_id),
        )
        for pk, person_id, uploaded_by_id, scanned_at in rows
    ]


register_rule(document_blocked, hourly=True)
