from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from accounts.models import Team
from core.urls import url_for_id
from referrals.models import Person, Referral
from treatment_requirements.models import Order

from .content_types import EXTENSIONS
from .enums import ContentKind, DocumentType, ScanState
from .storage import documents_storage, random_storage_name

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 1000


class Document(models.Model):
    """A file attached to a person's record (court papers, a GP letter...).

    The file is stored under a random name (documents.storage) and is only ever read
    through the download view; `original_filename` is the sanitised name shown on the
    page, and a download is saved under `download_name` (type and date), never that name. A document is never edited: one attached in error is marked so with
    a reason, keeping this row for the audit trail (its file is deleted: services.py).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="documents")
    # At most one of these; an order's document also records the order's referral, so the
    # consent rule (on the record's own referral) reads one field.
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    document_type = models.CharField(max_length=24, choices=DocumentType.choices)
    document_date = models.DateField()
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    original_filename = models.CharField(max_length=255)
    file = models.FileField(
        storage=documents_storage, upload_to=random_storage_name, max_length=255, blank=True
    )
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=80, choices=ContentKind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="documents")
    scan_state = models.CharField(max_length=16, choices=ScanState.choices)
    scanned_at = models.DateTimeField(null=True, blank=True)
    scan_signature = models.CharField(max_length=100, blank=True)
    scan_attempts = models.PositiveSmallIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.TextField(max_length=REASON_MAX_LENGTH, blank=True)

    # Shown with the documents' section of a subject access export (referrals.subject_access).
    subject_access_note = (
        "The files themselves are not part of this export: download each one from the "
        "person's Documents page (each download is recorded) and send them with it. The "
        "sha256 value of each lets the recipient check the file is the one listed. A document "
        "recorded in error, or blocked by the virus scan, has no file any more."
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            # The person's Documents page, newest first (keyset by uploaded_at, id).
            models.Index(fields=["person", "uploaded_at", "id"], name="document_person_newest"),
            # The sweep that retries scans left pending.
            models.Index(
                fields=["uploaded_at"],
                name="document_scan_pending",
                condition=Q(scan_state=ScanState.PENDING),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(order__isnull=True) | Q(referral__isnull=False),
                name="document_order_has_referral",
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | ~Q(removal_reason=""),
                name="document_removal_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_document_type_display()} {self.pk}"

    def get_absolute_url(self):
        return url_for_id("documents:person_documents", self.person_id)

    @property
    def reference(self) -> str:
        return f"D{self.pk:06d}"

    @property
    def download_name(self) -> str:
        """The name a download is saved as: its type and date, e.g. gp-letter_2026-05-01.pdf.
        Never the uploaded name, which often names the person ("Letter re Jane Smith.pdf")."""
        extensions = EXTENSIONS[self.content_type]
        extension = PurePath(self.original_filename).suffix.lower()
        if extension not in extensions:
            extension = extensions[0]
        kind = slugify(self.get_document_type_display())
        return f"{kind}_{self.document_date.isoformat()}{extension}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_downloadable(self) -> bool:
        return (
            not self.is_removed and bool(self.file) and self.scan_state in ScanState.downloadable()
        )
