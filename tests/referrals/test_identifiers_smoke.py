import pytest
from django.core.exceptions import ValidationError

from referrals.identifiers import validate_nhs_number


def test_nhs_number_with_spaces_is_normalised():
    assert validate_nhs_number("943 476 5919") == "9434765919"


def test_nhs_number_with_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError):
        validate_nhs_number("943 476 5918")
