"""Documents on the person's record: removal in error, the timeline, subject access,
retention."""

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from documents.enums import DocumentType
from documents.models import Document
from documents.services import document_remove
from referrals.subject_access import subject_access_export
from reporting.housekeeping import apply_retention
from tests.assessments.factories import ConsentFactory
from tests.factories import PersonFactory, UserFactory
from tests.reporting.test_housekeeping import closed_referral

from . import files
from .conftest import attach, stored_files

pytestmark = pytest.mark.django_db


# Recorded in error ----------------------------------------------------------------------


def _remove(client, document, reason):
    return client.post(reverse("documents:document_remove", args=[document.pk]), {"reason": reason})


def test_recorded_in_error_keeps_the_record_deletes_the_file_and_audits(
    practitioner_client, order, practitioner, media_root, django_capture_on_commit_callbacks
):
    kept = attach(order.person, practitioner, title="Right letter")
    wrong = attach(order.person, practitioner, title="Someone else's letter")

    with django_capture_on_commit_callbacks(execute=True):
        response = _remove(practitioner_client, wrong, "It is about another person")

    assert response.status_code == 302
    wrong.refresh_from_db()
    assert (wrong.removal_reason, wrong.removed_by) == ("It is about another person", practitioner)
    assert not wrong.file
    assert stored_files(media_root) == [kept.file.name]
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_id=str(wrong.pk), detail="document recorded in error"
    ).exists()
    page = practitioner_client.get(response.url).content.decode()
    assert "Recorded in error" in page and "It is about another person" in page
    download = reverse("documents:document_download", args=[wrong.pk])
    assert practitioner_client.get(download).status_code == 302


def test_removal_needs_a_reason_and_happens_once(practitioner_client, order, practitioner):
    document = attach(order.person, practitioner)

    refused = _remove(practitioner_client, document, "   ")
    assert refused.status_code == 400
    assert "Enter why the document was recorded in error" in refused.content.decode()
    _remove(practitioner_client, document, "Duplicate")
    again = _remove(practitioner_client, document, "Duplicate again")

    document.refresh_from_db()
    assert again.status_code == 302
    assert document.removal_reason == "Duplicate"


def test_a_rolled_back_removal_keeps_the_file(order, practitioner, media_root):
    document = attach(order.person, practitioner)

    with pytest.raises(RuntimeError), transaction.atomic():
        document_remove(document=document, reason="Wrong person", by=practitioner)
        raise RuntimeError("the request failed later")

    assert stored_files(media_root) == [document.file.name]


def test_probation_cannot_mark_a_document_in_error(client, order, practitioner, officer):
    document = attach(
        order.person, practitioner, document_type=DocumentType.COURT_PAPERS, order=order
    )
    client.force_login(officer)

    assert _remove(client, document, "No").status_code == 403


# Timeline ---------------------------------------------------------------------------------


def test_documents_appear_on_the_timeline_scoped_to_the_viewer(
    client, order, practitioner, officer
):
    attach(
        order.person,
        practitioner,
        title="Register",
        document_type=DocumentType.COURT_PAPERS,
        order=order,
    )
    attach(
        order.person,
        practitioner,
        title="Letter from Dr Ng",
        document_type=DocumentType.GP_LETTER,
        order=order,
    )
    url = reverse("referrals:person_detail", args=[order.person.pk])

    client.force_login(practitioner)
    as_ld = client.get(url).content.decode()
    client.force_login(officer)
    as_probation = client.get(url).content.decode()

    assert "Court papers attached" in as_ld and "GP letter attached" in as_ld
    assert "Court papers attached" in as_probation
    assert "GP letter attached" not in as_probation and "Dr Ng" not in as_probation
    ConsentFactory(referral=order.referral, share_with_probation=True)
    assert "GP letter attached" in client.get(url).content.decode()


# Subject access ---------------------------------------------------------------------------


def test_subject_access_lists_documents_without_the_storage_name(order, practitioner):
    document = attach(order.person, practitioner, name="Letter.pdf", content=files.pdf())

    export = subject_access_export(person=order.person)

    (section,) = [s for s in export["sections"] if s["model"] == "documents.Document"]
    (row,) = section["rows"]
    assert row["original_filename"] == "Letter.pdf"
    assert row["sha256"] == document.sha256
    assert row["uploaded_by"] == practitioner.get_full_name()
    assert "file" not in row
    assert "files themselves are not part of this export" in section["note"]


# Retention --------------------------------------------------------------------------------


def test_retention_deletes_old_documents_and_their_files_only(
    settings, media_root, django_capture_on_commit_callbacks
):
    settings.LD_RETENTION_YEARS = 8
    by = UserFactory()
    old = closed_referral(PersonFactory(team=by.team), 9).person
    recent = closed_referral(PersonFactory(team=by.team), 2).person
    attach(old, by, name="old-a.txt")
    attach(old, by, name="old-b.pdf", content=files.pdf())
    keep = attach(recent, by, name="recent.txt")

    with django_capture_on_commit_callbacks(execute=True):
        assert apply_retention() == 1

    assert list(Document.objects.all()) == [keep]
    assert stored_files(media_root) == [keep.file.name]
