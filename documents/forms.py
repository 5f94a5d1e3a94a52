"""Forms: attach documents (several files in one go), and mark one recorded in error. On the
one form base (core.forms)."""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError

from core.forms import GovDateField, GovForm, is_record_id, today

from . import services
from .enums import DocumentType
from .models import DESCRIPTION_MAX_LENGTH, REASON_MAX_LENGTH, TITLE_MAX_LENGTH

ACCEPT = ".pdf,.docx,.odt,.jpg,.jpeg,.png,.txt"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's "Uploading multiple files" pattern); each is
    checked by services.upload_check and every refusal names its file."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ACCEPT, "class": "govuk-file-upload"})
        )
        # Empty files get services.upload_check's message, which names the file.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                return single(None, initial)
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class DocumentUploadForm(GovForm):
    files = MultipleFileField(
        label="Files",
        help_text="PDF, Word (DOCX), OpenDocument text (ODT), JPEG, PNG or plain text. "
        "You can choose several files at once.",
    )
    document_type = forms.ChoiceField(
        label="Type of document", choices=DocumentType.choices, widget=forms.RadioSelect
    )
    # A letter or report may be decades old (a past psychiatric report), never dated ahead.
    document_date = GovDateField(label="Date of the document", latest=today)
    title = forms.CharField(
        label="Title (optional)",
        max_length=TITLE_MAX_LENGTH,
        required=False,
        help_text="Leave blank to use each file's name",
    )
    description = forms.CharField(
        label="Description (optional)",
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    link = forms.ChoiceField(label="About (optional)", required=False)

    layout = (
        Field("files"),
        Field.radios("document_type", legend_size=Size.SMALL),
        Field("document_date"),
        Field.text("title"),
        Field.textarea("description"),
        Field.select("link"),
    )

    def __init__(self, *args, link_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["link"].choices = [("", "The person only"), *link_choices]
        self.fields["files"].error_name = "at least one file"
        self.fields["title"].error_label = "Title"
        self.fields["description"].error_label = "Description"
        self.fields["link"].error_name = "what the document is about"
        self.name_fields()

    def clean_files(self):
        checked, errors = [], []
        for uploaded in self.cleaned_data["files"]:
            try:
                checked.append(services.upload_check(uploaded))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            if len(self.cleaned_data["files"]) > 1:
                errors.append(
                    "No files have been attached: correct or remove these, then try again"
                )
            raise ValidationError(errors)
        return checked

    def link_target(self) -> tuple[str, int] | None:
        """("referral" or "order", pk) from the chosen link, or None."""
        value = self.cleaned_data.get("link") or ""
        kind, _, pk = value.partition("-")
        return (kind, int(pk)) if kind in ("referral", "order") and is_record_id(pk) else None


class DocumentRemoveForm(GovForm):
    reason = forms.CharField(
        label="Why was this document recorded in error?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, it is about another person. The record of the upload is "
        "kept; the file itself is deleted.",
    )
    layout = (Field.textarea("reason"),)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_name = "why the document was recorded in error"
        self.fields["reason"].error_label = "The reason"
        self.name_fields()
