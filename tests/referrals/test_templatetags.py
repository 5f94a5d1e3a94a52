from django.test import override_settings
from django.urls import reverse


@override_settings(FORCE_SCRIPT_NAME="/service/")
def test_url_for_id_matches_reverse_under_a_script_prefix(rf):
    from django.urls import set_script_prefix

    from referrals.templatetags.referrals_tags import url_for_id

    set_script_prefix("/service/")
    try:
        built = url_for_id(42, "referrals:person_detail")
        expected = reverse("referrals:person_detail", args=[42])
    finally:
        set_script_prefix("/")

    assert built == expected == "/service/people/42/"
