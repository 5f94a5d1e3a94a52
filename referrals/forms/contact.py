"""The person's contact details and reminder preferences (issue 18): one form, on the one
base, that reads a mobile or postcode as people type them (referrals.contact_details)."""

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Size
from django import forms

from core import forms as gov

from ..contact_details import MOBILE_EXAMPLE, normalise_postcode, normalise_uk_mobile
from ..enums import ContactChannel, ContactConsent, ContactLanguage

SAFE_CHOICES = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]
SAFE_VALUES = {"yes": True, "no": False, "unknown": None}
# What each channel needs before reminders can go by it (the field, the message).
CHANNEL_NEEDS = {
    ContactChannel.SMS: ("mobile", "Enter a mobile phone number to send reminders by text"),
    ContactChannel.EMAIL: ("email", "Enter an email address to send reminders by email"),
    ContactChannel.LETTER: ("address", "Enter the postal address to send reminders by letter"),
}


def safe_choice(value: bool | None) -> str:
    return next(key for key, stored in SAFE_VALUES.items() if stored is value)


class PersonContactForm(gov.VersionForm):
    mobile = forms.CharField(
        label="Mobile phone number",
        max_length=20,
        required=False,
        help_text=f"A UK mobile, like {MOBILE_EXAMPLE} or +44 7700 900123",
    )
    email = forms.EmailField(label="Email address", max_length=254, required=False)
    address = forms.CharField(
        label="Postal address",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Without the postcode",
    )
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    language = forms.ChoiceField(
        label="Language for messages",
        choices=ContactLanguage.choices,
        initial=ContactLanguage.ENGLISH,
        widget=forms.RadioSelect,
    )
    reminders = forms.ChoiceField(
        label="Has the person agreed to appointment reminders?",
        choices=ContactConsent.choices,
        initial=ContactConsent.NOT_ASKED,
        widget=forms.RadioSelect,
        help_text="Until they are asked, nothing is sent: not asked counts as no consent",
    )
    channel = forms.ChoiceField(
        label="Send reminders by",
        choices=ContactChannel.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    safe_to_leave_messages = forms.ChoiceField(
        label="Is it safe to leave messages?",
        choices=SAFE_CHOICES,
        initial="unknown",
        widget=forms.RadioSelect,
        help_text="For example, no if someone else reads their texts or post",
    )
    layout = (
        Field("version"),
        Fieldset(
            Field.text("mobile", field_width=10),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.textarea("address"),
            Field.text("postcode", field_width=10),
            legend="Contact details",
            legend_size=Size.MEDIUM,
        ),
        Fieldset(
            Field.radios("language", small=True, legend_size=Size.SMALL),
            Field.radios("reminders", small=True, legend_size=Size.SMALL),
            Field.radios("channel", small=True, legend_size=Size.SMALL),
            Field.radios("safe_to_leave_messages", small=True, legend_size=Size.SMALL),
            legend="Appointment reminders",
            legend_size=Size.MEDIUM,
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].widget.attrs.update(type="tel", autocomplete="off")
        self.fields["email"].widget.attrs.update(spellcheck="false", autocomplete="off")
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )
        self.fields["reminders"].error_name = "whether the person agreed to reminders"
        self.fields["safe_to_leave_messages"].error_name = "whether it is safe to leave messages"
        self.fields["language"].error_name = "the language for messages"
        self.name_fields()

    def clean_mobile(self):
        typed = self.cleaned_data["mobile"].strip()
        if not typed:
            return ""
        mobile = normalise_uk_mobile(typed)
        if mobile is None:
            raise forms.ValidationError(
                f"Enter a UK mobile phone number, like {MOBILE_EXAMPLE} or +44 7700 900123"
            )
        return mobile

    def clean_postcode(self):
        typed = self.cleaned_data["postcode"].strip()
        if not typed:
            return ""
        postcode = normalise_postcode(typed)
        if postcode is None:
            raise forms.ValidationError("Enter a real postcode, like SW1A 1AA")
        return postcode

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reminders") != ContactConsent.AGREED:
            return cleaned
        channel = cleaned.get("channel")
        if not channel:
            self.add_error("channel", "Select how to send reminders")
            return cleaned
        field, message = CHANNEL_NEEDS[ContactChannel(channel)]
        if field in cleaned and not cleaned[field]:
            self.add_error(field, message)
        if channel == ContactChannel.LETTER and "postcode" in cleaned and not cleaned["postcode"]:
            self.add_error("postcode", "Enter the postcode to send reminders by letter")
        return cleaned

    def contact_values(self) -> dict:
        """The cleaned answers as PersonContact's fields."""
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in ("mobile", "email", "address", "postcode", "language", "reminders")
        }
        values["channel"] = data["channel"] if data["reminders"] == ContactConsent.AGREED else ""
        values["safe_to_leave_messages"] = SAFE_VALUES[data["safe_to_leave_messages"]]
        return values
