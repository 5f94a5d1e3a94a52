import datetime

import pytest
from django.utils import timezone

from documents import services
from documents.enums import DocumentType
from tests.treatment_requirements.conftest import (  # noqa: F401  (fixtures)
    clinician,
    officer,
    order,
    other_officer,
    probation_team,
    provider_team,
)

from .files import upload


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores its files in its own empty folder, so "no file left" is checkable."""
    root = tmp_path / "private-documents"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.LD_CLAMAV = ""
    return root


def stored_files(root) -> list:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def attach(person, by, name="letter.txt", content=b"A letter.\n", **fields):
    """One document through the service (as the upload form would)."""
    defaults = {
        "document_type": DocumentType.GP_LETTER,
        "document_date": timezone.localdate() - datetime.timedelta(days=3),
        "title": "",
    }
    (document,) = services.documents_upload(
        person=person,
        files=[services.upload_check(upload(name, content))],
        by=by,
        **(defaults | fields),
    )
    return document
