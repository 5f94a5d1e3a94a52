from django.db import models


class DocumentType(models.TextChoices):
    COURT_PAPERS = "court_papers", "Court papers"
    PRE_SENTENCE_REPORT = "pre_sentence_report", "Pre-sentence report"
    GP_LETTER = "gp_letter", "GP letter"
    DISCHARGE_SUMMARY = "discharge_summary", "Discharge summary"
    CONSENT_FORM = "consent_form", "Consent form"
    OTHER = "other", "Other"

    @classmethod
    def shared_without_consent(cls) -> list[str]:
        """Criminal-justice papers probation supervises with: seen on its caseload whatever
        the health consent. Every other type may hold health information (a consent form
        names the services involved; "other" could be anything), so it is shared with
        probation only under the person's consent to share (docs/domain.md)."""
        return [cls.COURT_PAPERS, cls.PRE_SENTENCE_REPORT]


class ScanState(models.TextChoices):
    PENDING = "pending", "Being checked for viruses"
    CLEAN = "clean", "Checked: no virus found"
    INFECTED = "infected", "Blocked: a virus was found"
    NOT_SCANNED = "not_scanned", "Not checked (virus scanning is not set up)"

    @classmethod
    def downloadable(cls) -> list[str]:
        return [cls.CLEAN, cls.NOT_SCANNED]


class ContentKind(models.TextChoices):
    """The file types accepted, as found from the file's content (documents.content_types)."""

    PDF = "application/pdf", "PDF"
    DOCX = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document (DOCX)",
    )
    ODT = "application/vnd.oasis.opendocument.text", "OpenDocument text (ODT)"
    JPEG = "image/jpeg", "JPEG image"
    PNG = "image/png", "PNG image"
    TXT = "text/plain", "Plain text"
