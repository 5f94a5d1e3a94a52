"""The officer's choice to message the person about a booking or a move, beside a preview
of the exact text (treatment_requirements.registry.message_preview, which notifications
fills in): one field, added in one place to the booking and rescheduling forms, rendered
by treatment_requirements/_message_preview.html. "Preview the message" posts the form
without booking, so the preview shows the text for the date and time typed."""

from django import forms

from ..registry import message_preview

FIELD = "send_to_person"
PREVIEW = "preview_message"


class MessageChoice:
    def __init__(self, form, *, order, change, location: str | None = None):
        self.form, self.order, self.change, self.location = form, order, change, location
        route = message_preview(order=order, change=change)
        self.enabled = route is not None
        if not self.enabled:
            return
        form.fields[FIELD] = forms.ChoiceField(
            label=f"Send this message to {route['name']}?",
            choices=[("yes", f"Yes, send it to {route['name']}"), ("no", "No, do not send it")],
            initial="yes" if route["will_send"] else "no",
            required=False,
            widget=forms.RadioSelect,
        )
        form.fields[FIELD].error_name = "whether to send the message"
        form.name_fields()

    def send_to_person(self) -> bool:
        return self.form.cleaned_data.get(FIELD) != "no"

    def is_preview(self, request) -> bool:
        """A POST of "Preview the message": the form is checked, nothing booked."""
        return request.method == "POST" and PREVIEW in request.POST

    def context(self) -> dict:
        """The preview for the form's date, time, place and series, as typed so far."""
        if not self.enabled:
            return {}
        data = getattr(self.form, "cleaned_data", {})
        starts_at = self.form.starts_at() if {"date", "time"} <= data.keys() else None
        preview = message_preview(
            order=self.order,
            change=self.change,
            starts_at=starts_at,
            location=self.location if self.location is not None else data.get("location", ""),
            recurrence=data.get("recurrence", "none"),
            count=data.get("count") or 1,
        )
        field = self.form[FIELD]
        chosen = self.form.data.get(FIELD) if self.form.is_bound else None
        return {
            "message_preview": preview,
            "message_choice": field,
            # A preview posted before any choice keeps the default ticked.
            "message_chosen": chosen or field.initial,
            "PREVIEW": PREVIEW,
        }
