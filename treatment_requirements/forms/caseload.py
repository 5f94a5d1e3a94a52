"""The caseload's search (posted, kept behind a token) and its sort and filters (in the URL:
they hold no personal data)."""

import re

from django import forms
from django.core.exceptions import ValidationError

from core.forms import GovForm, ShortModelChoiceField
from referrals.forms import ReferralSearchForm

from ..enums import OrderStatus, RequirementKind

ORDER_REFERENCE = re.compile(r"CO0*([0-9]{1,9})")  # Order.reference: CO and the id


class CaseloadSearchForm(ReferralSearchForm, GovForm):
    """Name, order reference, NHS number or PNC ID, as the referral list's search (whose
    rules it keeps) plus the order reference. Posted, never put in a URL. (GovForm named
    here too until the referral list's search is built on it.)"""

    INVALID = "Enter a name, an order reference like CO000123, a 10-digit NHS number or a PNC ID"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].label = "Search by name, order reference, NHS number or PNC ID"
        self.fields["q"].error_messages["required"] = (
            "Enter a name, order reference, NHS number or PNC ID"
        )

    def clean_q(self):
        compact = re.sub(r"\s", "", self.cleaned_data["q"]).upper()
        if match := ORDER_REFERENCE.fullmatch(compact):
            return {"kind": "order_reference", "value": int(match.group(1))}
        try:
            return super().clean_q()
        except ValidationError as exc:
            # The referral list's "not a name or an identifier" names the order reference
            # too; an identifier's own error (e.g. a wrong NHS number check digit) is kept.
            if exc.messages[0].startswith("Enter a name, a 10-digit NHS number"):
                raise ValidationError(f"{self.INVALID} like 2008/0056560Z") from None
            raise


class CaseloadFilterForm(GovForm):
    """Sort and filters of the caseload's orders list. The responsible officer is offered
    only in the whole team's view (officers is None otherwise)."""

    sort = forms.ChoiceField(label="Sort by", required=False)
    kind = forms.ChoiceField(
        label="Requirement",
        choices=[("", "Any requirement"), *RequirementKind.choices],
        required=False,
    )
    status = forms.ChoiceField(label="Status", choices=OrderStatus.choices, required=False)
    officer = ShortModelChoiceField(
        label="Responsible officer", queryset=None, required=False, empty_label="Any officer"
    )

    def __init__(self, *args, sorts, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = sorts
        self.fields["sort"].error_name = "how to sort the orders"
        if officers is None:
            del self.fields["officer"]
        else:
            self.fields["officer"].queryset = officers
            self.fields["officer"].label_from_instance = lambda user: user.display_name
        self.name_fields()
