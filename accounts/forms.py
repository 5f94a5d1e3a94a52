import datetime

from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import MaxLengthValidator

from core.forms import GovDateField, GovForm, GovFormMixin, today
from referrals.identifiers import validate_nhs_number

from .enums import AuditAction

# The audit trail starts with the service: no search needs an earlier day.
FIRST_AUDIT_DAY = datetime.date(2000, 1, 1)


class SignInForm(GovFormMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )
        # AuthenticationForm only sets the HTML maxlength; without a server-side check an
        # over-long name reaches authenticate() and the lockout table (PostgreSQL refuses it).
        self.fields["username"].validators.append(
            MaxLengthValidator(
                self.username_field.max_length or 150,
                "Enter a username of %(limit_value)d characters or fewer",
            )
        )
        self.fields["password"].validators.append(
            MaxLengthValidator(4096, "Enter a password of %(limit_value)d characters or fewer")
        )

    layout = ("username", "password", Submit("submit", "Sign in"))


class ChangePasswordForm(GovFormMixin, PasswordChangeForm):
    layout = ("old_password", "new_password1", "new_password2", Submit("submit", "Change password"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password2"].error_name = "the new password again"
        self.name_fields()


class AuditSearchForm(GovForm):
    """Filters for the audit trail. Sent by GET: holds only ids, usernames, codes and dates."""

    person = forms.IntegerField(
        label="Person record number",
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The number at the end of the person's record address",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the person record number in digits, like 1234",
            "min_value": "Enter a person record number of 1 or more",
            "max_value": "Enter a real person record number: this one is too large",
        },
    )
    user = forms.CharField(label="Username", required=False, max_length=150)
    action = forms.ChoiceField(
        label="What they did", required=False, choices=[("", "Any"), *AuditAction.choices]
    )
    date_from = GovDateField(label="From", required=False, earliest=FIRST_AUDIT_DAY, latest=today)
    date_to = GovDateField(label="To", required=False, earliest=FIRST_AUDIT_DAY, latest=today)

    layout = (
        Field.text("person", field_width=10),
        Field.text("user", field_width=20),
        Field.select("action"),
        "date_from",  # by name: Field.text would drop the widget's govuk-input class
        "date_to",
        Submit("submit", "Search"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "Select what they did" reads; the dates are named so "From" is not left alone.
        self.fields["date_from"].error_name = "the ‘from’ date"
        self.fields["date_from"].error_label = "The ‘from’ date"
        self.fields["date_to"].error_name = "the ‘to’ date"
        self.fields["date_to"].error_label = "The ‘to’ date"
        self.name_fields()
        self.fields["person"].error_messages.update(
            invalid="Enter the person record number in digits, like 1234",
            min_value="Enter a person record number of 1 or more",
            max_value="Enter a real person record number: this one is too large",
        )
        self.helper.form_method = "get"

    def clean_user(self):
        return self.cleaned_data["user"].strip()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned


class AuditNhsNumberForm(GovForm):
    """Find a person's audit trail by NHS number. POSTed so the number stays out of URLs."""

    nhs_number = forms.CharField(
        label="NHS number",
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    layout = (Field.text("nhs_number", field_width=10), Submit("submit", "Find"))

    def clean_nhs_number(self):
        return validate_nhs_number(self.cleaned_data["nhs_number"])


class TwoFactorTokenForm(GovForm):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=6,
        min_length=6,
        help_text="The 6-digit code shown in the app now",
    )

    def __init__(self, *args, submit="Continue", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["token"]
        field.widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )
        message = "Enter the 6-digit code from your authenticator app"
        field.error_messages.update(required=message, min_length=message, max_length=message)
        self.helper.layout = Layout(Field.text("token", field_width=5), Submit("submit", submit))

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("The code must be 6 digits, like 123456")
        return token
