"""core.urls.url_for_id: the URL reverse() gives, built from parts reversed once."""

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.urls import url_for_id

URL_NAMES = [
    "referrals:person_detail",
    "referrals:referral_detail",
    "assessments:assessment_detail",
    "treatment_requirements:order_detail",
    "contact_log:contact_detail",
    "documents:person_documents",
]


@pytest.mark.parametrize("url_name", URL_NAMES)
def test_the_same_url_as_reverse_for_each_id(url_name):
    for pk in (1, 42, 10**9):
        assert url_for_id(url_name, pk) == reverse(url_name, args=[pk])


@override_settings(FORCE_SCRIPT_NAME="/service/")
def test_the_script_prefix_in_force_when_it_is_called():
    before = url_for_id("referrals:person_detail", 7)
    set_script_prefix("/service/")
    try:
        assert url_for_id("referrals:person_detail", 7) == "/service/people/7/"
    finally:
        set_script_prefix("/")
    assert url_for_id("referrals:person_detail", 7) == before == "/people/7/"


def test_an_unsaved_record_has_no_url_as_before():
    with pytest.raises(NoReverseMatch):
        url_for_id("referrals:person_detail", None)
