from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import MaxLengthValidator

from referrals.identifiers import validate_nhs_number

from .enums import AuditAction

_DATE_HELP = "For example, 27/3/2026"


def _helper(*fields, submit):
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class SignInForm(AuthenticationForm):
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
        self.helper = _helper("username", "password", submit="Sign in")


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "old_password", "new_password1", "new_password2", submit="Change password"
        )


class AuditSearchForm(forms.Form):
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
    date_from = forms.DateField(
        label="From",
        required=False,
        help_text=_DATE_HELP,
        widget=forms.TextInput,
        error_messages={"invalid": "Enter the 'from' date as a real date, like 27/3/2026"},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        help_text=_DATE_HELP,
        widget=forms.TextInput,
        error_messages={"invalid": "Enter the 'to' date as a real date, like 27/3/2026"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("person", field_width=10),
            Field.text("user", field_width=20),
            Field.select("action"),
            Field.text("date_from", field_width=10),
            Field.text("date_to", field_width=10),
            submit="Search",
        )
        self.helper.form_method = "get"

    def clean_user(self):
        return self.cleaned_data["user"].strip()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cleaned


class AuditNhsNumberForm(forms.Form):
    """Find a person's audit trail by NHS number. POSTed so the number stays out of URLs."""

    nhs_number = forms.CharField(label="NHS number", max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("nhs_number", field_width=10), submit="Find")

    def clean_nhs_number(self):
        return validate_nhs_number(self.cleaned_data["nhs_number"])


class TwoFactorTokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=6,
        min_length=6,
        help_text="The 6-digit code shown in the app now",
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "min_length": "Enter the 6-digit code from your authenticator app",
            "max_length": "Enter the 6-digit code from your authenticator app",
        },
    )

    def __init__(self, *args, submit="Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )
        self.helper = _helper(Field.text("token", field_width=5), submit=submit)

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("The code must be 6 digits, like 123456")
        return token
