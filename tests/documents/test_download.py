"""Download only through the access-checked view, as an attachment, never cached; audited.
No public URL to a stored file exists or is rendered."""

import datetime

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from documents.enums import DocumentType, ScanState
from documents.models import Document

from . import files
from .conftest import attach

pytestmark = pytest.mark.django_db


def _download(client, document):
    return client.get(reverse("documents:document_download", args=[document.pk]))


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_download_sends_the_file_as_an_attachment_never_cached(
    practitioner_client, order, practitioner
):
    content = files.pdf("Discharge summary")
    document = attach(order.person, practitioner, name="discharge summary.pdf", content=content)

    response = _download(practitioner_client, document)

    assert response.status_code == 200
    assert _content(response) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="gp-letter_{document.document_date.isoformat()}.pdf"'
    )
    assert {"no-store", "private"} <= set(response["Cache-Control"].split(", "))
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_is_named_for_its_type_and_date_never_the_uploaded_name(
    practitioner_client, order, practitioner
):
    day = datetime.date(2026, 3, 27)
    quoted = attach(order.person, practitioner, name='say "hi".txt', document_date=day)
    named = attach(
        order.person,
        practitioner,
        name="Letter about Zoë Marchetti.JPG",
        content=files.JPEG,
        document_type=DocumentType.DISCHARGE_SUMMARY,
        document_date=day,
    )

    assert _download(practitioner_client, quoted)["Content-Disposition"] == (
        'attachment; filename="gp-letter_2026-03-27.txt"'
    )
    assert _download(practitioner_client, named)["Content-Disposition"] == (
        'attachment; filename="discharge-summary_2026-03-27.jpg"'
    )


def test_a_text_file_is_sent_as_utf8_plain_text(practitioner_client, order, practitioner):
    document = attach(order.person, practitioner, name="notes.txt", content="Zoë\n".encode())

    response = _download(practitioner_client, document)

    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_download_is_audited_with_ids_only(practitioner_client, order, practitioner):
    document = attach(order.person, practitioner, name="Letter about Zoe.txt")

    _content(_download(practitioner_client, document))

    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.user, event.object_type, event.object_id, event.person_id, event.detail) == (
        practitioner,
        "documents.document",
        str(document.pk),
        order.person.pk,
        "document download",
    )


def test_probation_downloads_court_papers_but_not_a_gp_letter_without_consent(
    client, order, practitioner, officer
):
    papers = attach(
        order.person, practitioner, document_type=DocumentType.COURT_PAPERS, order=order
    )
    letter = attach(order.person, practitioner, document_type=DocumentType.GP_LETTER, order=order)
    client.force_login(officer)

    assert _download(client, papers).status_code == 200
    refused = _download(client, letter)
    assert refused.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(letter.pk))
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED, user=officer).exists()


def test_another_team_gets_not_found(outsider_client, order, practitioner):
    document = attach(order.person, practitioner)

    assert _download(outsider_client, document).status_code == 404


def test_signed_out_visitor_is_sent_to_sign_in(order, practitioner):
    document = attach(order.person, practitioner)

    response = _download(Client(), document)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (ScanState.PENDING, "still being checked for viruses"),
        (ScanState.INFECTED, "a virus was found in it"),
    ],
)
def test_a_document_not_scanned_clean_cannot_be_downloaded(
    practitioner_client, order, practitioner, state, message
):
    document = attach(order.person, practitioner)
    Document.objects.filter(pk=document.pk).update(scan_state=state)

    response = _download(practitioner_client, document)

    assert response.status_code == 302
    page = practitioner_client.get(response.url).content.decode()
    assert message in page
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_storage_url_is_never_rendered_and_media_is_not_routed(
    practitioner_client, order, practitioner, settings
):
    document = attach(order.person, practitioner)
    storage_url = document.file.url

    pages = [
        practitioner_client.get(reverse(name, args=[order.person.pk])).content.decode()
        for name in ("documents:person_documents", "referrals:person_detail")
    ]

    for page in pages:
        assert document.file.name not in page
        assert storage_url not in page
    with pytest.raises(Resolver404):
        resolve(storage_url)
    assert practitioner_client.get(storage_url).status_code == 404
    assert practitioner_client.get("/media/" + document.file.name).status_code == 404
    assert practitioner_client.get("/static/../" + document.file.name).status_code == 404


def test_a_file_missing_from_storage_is_not_found_not_an_error(
    practitioner_client, order, practitioner
):
    document = attach(order.person, practitioner)
    document.file.storage.delete(document.file.name)

    assert _download(practitioner_client, document).status_code == 404
