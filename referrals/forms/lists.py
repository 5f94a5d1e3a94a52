"""The referral list and My work: the search, the filters and the bulk allocation."""

import re

from django import forms
from django.core.exceptions import ValidationError

from core import forms as gov
from core.forms import ShortModelChoiceField

from ..enums import ReferralSource, ReferralStatus
from ..identifiers import compact_identifier, validate_nhs_number, validate_pnc_id
from .fields import ListDateField, team_practitioners, user_sites

_CONTROL_CHARS_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")


class ReferralSearchForm(gov.GovForm):
    """Name, NHS number or PNC ID. Posted, never put in a URL (see views.referral_list)."""

    q = forms.CharField(label="Search by name, NHS number or PNC ID", max_length=100, required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})
        self.fields["q"].error_messages["required"] = "Enter a name, NHS number or PNC ID"

    def clean_q(self):
        text = self.cleaned_data["q"].strip()
        # Checked here: the base's own check in clean() comes after this turns text to a dict.
        if _CONTROL_CHARS_SINGLE_LINE.search(text):
            raise ValidationError(gov.CONTROL_CHARS_MESSAGE, code="control_characters")
        compact = compact_identifier(text)  # any script's digits, as ASCII
        if re.fullmatch(r"[0-9]{10}", compact):
            return {"kind": "nhs_number", "value": validate_nhs_number(compact)}
        if re.fullmatch(r"[0-9]{2,4}/[0-9]{1,7}[A-Z]", compact):
            return {"kind": "pnc_id", "value": validate_pnc_id(compact)}
        if re.search(r"[0-9]", compact):
            raise ValidationError(
                "Enter a name, a 10-digit NHS number or a PNC ID like 2008/0056560Z"
            )
        return {"kind": "name", "value": text}


# My work's queues, also a filter of the referral list (referrals.selectors.queue_q).
WORK_QUEUES = [
    ("assigned", "Assigned to me"),
    ("unassigned", "Unassigned in my team"),
    ("overdue", "Overdue for screening or assessment"),
    ("reoffending", "Reoffending checks due"),
]


class ReferralFilterForm(gov.GovForm):
    """Filters that hold no personal data, so they can live in the URL."""

    SORTS = [
        ("-received", "Received (newest first)"),  # first: the list's default order
        ("urgent", "Most urgent first"),  # My work's order: selectors.most_urgent_first
        ("received", "Received (oldest first)"),
        ("status", "Status"),
        ("name", "Family name"),
    ]

    queue = forms.ChoiceField(
        label="Work queue",
        choices=[("", "All referrals"), *WORK_QUEUES],
        required=False,
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), ("open", "Open (not closed)"), *ReferralStatus.choices],
        required=False,
    )
    source = forms.ChoiceField(
        choices=[("", "Any source"), *ReferralSource.choices], required=False
    )
    # By id or "none" (the team workload's links): a name never goes in the URL.
    assignee = forms.ChoiceField(label="Assigned to", required=False)
    site = ShortModelChoiceField(queryset=None, required=False, empty_label="Any site")
    received_from = ListDateField(label="Received from")
    received_to = ListDateField(label="Received to")
    sort = forms.ChoiceField(choices=SORTS, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = user_sites(user.team_id)
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            ("none", "Not assigned"),
            *((str(u.pk), u.display_name) for u in team_practitioners(user.team_id)),
        ]
        for name, words in (("received_from", "earliest"), ("received_to", "latest")):
            self.fields[name].error_name = f"the {words} date received"
            self.fields[name].error_label = f"{words.capitalize()} date received"
        self.fields["assignee"].error_name = "who it is assigned to"
        self.fields["sort"].error_name = "the order"
        self.name_fields()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            self.add_error(
                "received_to",
                "Latest date received must be the same as or after the earliest date received",
            )
        return cleaned


class ReferralBulkAllocateForm(gov.GovForm):
    """The referral list's "Allocate selected": ticked referrals to one practitioner."""

    referrals = forms.TypedMultipleChoiceField(coerce=int, label="Referrals")
    assigned_to = forms.ModelChoiceField(
        queryset=None, label="Allocate selected to", empty_label="Choose a practitioner"
    )

    def __init__(self, *args, team_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrals"].error_messages["required"] = "Select the referrals to allocate"
        self.fields["assigned_to"].error_messages.update(
            required="Choose who to allocate the selected referrals to",
            invalid_choice="Choose an active practitioner of your team",
        )
        self.fields["assigned_to"].queryset = team_practitioners(team_id)
        self.fields["assigned_to"].label_from_instance = lambda user: user.display_name
        # Any id is accepted here; the view loads them through the policy (all or none).
        self.fields["referrals"].valid_value = gov.is_record_id
