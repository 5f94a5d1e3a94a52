"""The form that asks for a record-level return: its period (at most 12 months) and, for a
commissioner, nothing else (their scope is the whole area); a team lead's is their team."""

import datetime

from django import forms

from core.forms import GovDateField, GovForm, today

EARLIEST_RETURN_DATE = datetime.date(2000, 1, 1)


class ReturnRequestForm(GovForm):
    period_start = GovDateField(
        label="Referrals received from", earliest=EARLIEST_RETURN_DATE, latest=today
    )
    period_end = GovDateField(
        label="Referrals received up to and including",
        earliest=EARLIEST_RETURN_DATE,
        latest=today,
        help_text="At most 12 months: from 1 April 2025, up to 31 March 2026. "
        "For example, 31 3 2026",
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            raise forms.ValidationError(
                {"period_end": "The end of the period must be on or after its start"}
            )
        return cleaned
