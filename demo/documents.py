"""Demo documents: small generated PDFs and text files on a few people with orders
(synthetic content only; never a real person's papers)."""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from documents import services
from documents.enums import DocumentType
from documents.models import Document
from treatment_requirements.models import Order

PEOPLE = 6


def simple_pdf(text: str) -> bytes:
    """A one-page PDF showing `text` (ASCII), with a correct cross-reference table."""
    safe = text.encode("ascii", "replace").replace(b"\\", b"\\\\")
    safe = safe.replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 12 Tf 72 720 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _papers(order) -> list[tuple[str, str, str, bytes, dict]]:
    ref = order.reference
    return [
        (
            DocumentType.COURT_PAPERS,
            "Court register extract",
            f"court-register-{ref}.txt",
            f"Synthetic demo court register extract for order {ref}.\n".encode(),
            {"order": order},
        ),
        (
            DocumentType.PRE_SENTENCE_REPORT,
            "Pre-sentence report",
            f"psr-{ref}.pdf",
            simple_pdf(f"Synthetic demo pre-sentence report for order {ref}."),
            {"order": order},
        ),
        (
            DocumentType.GP_LETTER,
            "Letter from GP",
            f"gp-letter-{ref}.pdf",
            simple_pdf("Synthetic demo GP letter: no real clinical content."),
            {"referral": order.referral},
        ),
    ]


def seed_demo_step(*, referrals: int, seed: int, password: str | None) -> str:
    """A court register extract, a PSR and a GP letter for a few people with orders."""
    if Document.objects.exists():
        return "Documents: already seeded"
    rng = random.Random(seed + 14)  # noqa: S311 - seeded, repeatable demo data, not a secret  # nosec B311
    orders = list(Order.objects.select_related("referral", "person").order_by("pk")[:50])
    rng.shuffle(orders)
    written = 0
    with transaction.atomic():
        for order in orders[:PEOPLE]:
            by = User.objects.filter(
                team_id=order.referral.team_id, role=Role.PRACTITIONER, is_active=True
            ).first()
            if by is None:
                continue
            for document_type, title, name, content, link in _papers(order):
                services.documents_upload(
                    person=order.person,
                    files=[services.upload_check(SimpleUploadedFile(name, content))],
                    document_type=document_type,
                    document_date=min(order.made_on, timezone.localdate())
                    - datetime.timedelta(days=rng.randint(0, 20)),
                    title=title,
                    by=by,
                    **link,
                )
                written += 1
    return f"Documents: {written} small generated files"
