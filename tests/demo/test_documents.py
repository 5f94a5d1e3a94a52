"""The demo's documents: small generated papers on people with orders."""

import datetime
from io import BytesIO

import pytest

from demo.documents import seed_demo_step, simple_pdf
from documents.content_types import detect
from documents.enums import ContentKind, DocumentType
from documents.models import Document

pytestmark = pytest.mark.django_db


def test_generated_demo_pdf_is_a_pdf():
    assert detect(BytesIO(simple_pdf("Demo (synthetic) text"))) == ContentKind.PDF


def test_demo_step_attaches_small_papers_to_people_with_orders(order, practitioner):
    summary = seed_demo_step(referrals=10, seed=1, password=None)

    assert summary == "Documents: 3 small generated files"
    assert sorted(Document.objects.values_list("document_type", flat=True)) == sorted(
        [DocumentType.COURT_PAPERS, DocumentType.PRE_SENTENCE_REPORT, DocumentType.GP_LETTER]
    )
    assert all(d.document_date <= datetime.date.today() for d in Document.objects.all())
    assert seed_demo_step(referrals=10, seed=1, password=None) == "Documents: already seeded"
