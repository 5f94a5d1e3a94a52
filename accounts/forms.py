from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django.contrib.auth.forms import AuthenticationForm


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
        self.helper = FormHelper()
        self.helper.layout = Layout("username", "password", Submit("submit", "Sign in"))
