"""Screens for a person's documents: the list, attaching files, download, recorded in error.

Files are never served from a URL of their own: the download view checks the access
policy, audits the download (ids only) and streams the file as an attachment.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import TooManyFilesSent, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_request, audit_view
from accounts.enums import AuditAction
from accounts.policy import Action, Kind, permits, require, scoped
from core.view_helpers import form_page, submit
from referrals.models import Referral
from referrals.selectors import person_get_for_user
from treatment_requirements.models import Order
from treatment_requirements.views.common import FORM_PAGE

from . import selectors, services
from .enums import ScanState
from .forms import DocumentRemoveForm, DocumentUploadForm
from .scanning import scanning_enabled


@require_http_methods(["GET"])
def person_documents(request, pk):
    require(request, Action.VIEW, Kind.DOCUMENT)
    person = person_get_for_user(request, pk)
    page = selectors.person_documents_page(
        user=request.user,
        person=person,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    audit_view(request, person, person.pk, "documents")
    context = {
        "person": person,
        "page": page,
        "may_upload": permits(request.user, Action.CREATE, Kind.DOCUMENT),
        "may_remove": permits(request.user, Action.CHANGE, Kind.DOCUMENT),
        "ScanState": ScanState,
        "scanning": scanning_enabled(),
    }
    return render(request, "documents/person_documents.html", context)


@require_http_methods(["GET", "POST"])
def document_upload(request, pk):
    """GET: the form; POST: attach every chosen file, or none of them."""
    require(request, Action.CREATE, Kind.DOCUMENT)
    person = person_get_for_user(request, pk)
    choices = selectors.link_choices(user=request.user, person=person)
    try:
        form = DocumentUploadForm(request.POST or None, request.FILES or None, link_choices=choices)
    except TooManyFilesSent:
        # Django refused to read the request (DATA_UPLOAD_MAX_NUMBER_FILES): an empty form
        # that says why, rather than the generic 400 page.
        form = DocumentUploadForm(link_choices=choices)
        form.cleaned_data = {}
        form.add_error(
            "files", f"Choose {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files or fewer at a time"
        )
    if request.method == "GET":
        audit_view(request, person, person.pk, "attach documents")
    outcome = submit(
        request,
        form,
        lambda data: services.documents_upload(
            person=person,
            files=data["files"],
            document_type=data["document_type"],
            document_date=data["document_date"],
            title=data["title"],
            description=data["description"],
            **_link(request, form),
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        count = len(outcome.result)
        messages.success(request, f"{count} document{'s' if count != 1 else ''} attached")
        return redirect("documents:person_documents", pk=person.pk)
    context = {"person": person, "max_size": services.max_upload_label()}
    return form_page(request, "documents/upload.html", form, status=outcome.status, **context)


def _link(request, form) -> dict:
    """The referral or order chosen (its choices were already limited to those in scope)."""
    target = form.link_target()
    if target is None:
        return {}
    kind, pk = target
    if kind == "referral":
        rows = scoped(request.user, Action.VIEW, Kind.REFERRAL, Referral.objects.filter(pk=pk))
    else:
        rows = scoped(request.user, Action.VIEW, Kind.ORDER, Order.objects.filter(pk=pk))
    found = rows.select_related("referral" if kind == "order" else "person").first()
    if found is None:
        raise ValidationError({"link": "Choose a referral or order of this person"})
    return {kind: found}


@require_http_methods(["GET"])
def document_download(request, pk):
    """The file as an attachment, never cached, never sniffed; the download is audited."""
    document = selectors.document_get_for_user(request, pk)
    if not document.is_downloadable:
        messages.error(request, _not_downloadable(document))
        return redirect("documents:person_documents", pk=document.person_id)
    try:
        stream = document.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("The file could not be found in storage.") from exc
    audit_request(
        request,
        action=AuditAction.EXPORT,
        obj=document,
        person_id=document.person_id,
        detail="document download",
    )
    content_type = document.content_type
    if content_type == "text/plain":
        content_type += "; charset=utf-8"
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=document.download_name,
        content_type=content_type,
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _not_downloadable(document) -> str:
    if document.is_removed:
        return "That document was recorded in error: its file has been deleted."
    if document.scan_state == ScanState.PENDING:
        return "That document is still being checked for viruses: try again in a few minutes."
    if document.scan_state == ScanState.INFECTED:
        return "That document was blocked: a virus was found in it, and the file was deleted."
    return "That document's file is not available."


@require_http_methods(["GET", "POST"])
def document_remove(request, pk):
    """Mark a document recorded in error, with a reason; the record stays, the file goes."""
    document = selectors.document_get_for_user(request, pk, Action.CHANGE)
    back = document.get_absolute_url()
    if document.is_removed:
        messages.error(request, "That document has already been marked as recorded in error.")
        return redirect(back)
    form = DocumentRemoveForm(request.POST or None)
    if request.method == "GET":
        audit_view(request, document, document.person_id, "document remove form")
    outcome = submit(
        request,
        form,
        lambda data: services.document_remove(
            document=document, reason=data["reason"], by=request.user, request=request
        ),
    )
    if outcome:
        messages.success(request, f"{document.title} marked as recorded in error")
        return redirect(back)
    return form_page(
        request,
        FORM_PAGE,
        form,
        title="Mark a document as recorded in error",
        caption=f"{document.person.full_name}: {document.get_document_type_display()}",
        person=document.person,
        submit="Mark as recorded in error",
        cancel_url=back,
        intro=f"{document.title} ({document.original_filename}), attached "
        f"{timezone.localtime(document.uploaded_at):%-d %B %Y}.",
        status=outcome.status,
    )
