"""The intake page reads a person's id from the query string (?person=, from the person's
record) and from the "use this existing person" button (match_decision): an id that is not
ASCII digits is ignored, never a 500 (found by tests/security/test_form_fuzz.py)."""

import pytest
from django.urls import reverse

from tests.factories import PersonFactory

INTAKE = reverse("referrals:intake")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("person", ["²", "١", "-1", "1\x00"])
def test_intake_with_a_person_id_not_in_ascii_digits_offers_a_new_person(
    client, practitioner, person
):
    client.force_login(practitioner)

    response = client.get(INTAKE, {"person": person})

    assert response.status_code == 200
    assert response.context["known_person"] is None


def test_intake_for_a_known_person_still_shows_them(client, practitioner, team):
    known = PersonFactory(team=team, given_name="Ada", family_name="Known")
    client.force_login(practitioner)

    response = client.get(INTAKE, {"person": str(known.pk)})

    assert response.context["known_person"] == known


@pytest.mark.parametrize("decision", ["²", "١"])
def test_intake_post_choosing_a_person_id_not_in_ascii_digits_is_refused(
    client, practitioner, decision
):
    client.force_login(practitioner)

    response = client.post(INTAKE, {"match_decision": decision})

    assert response.status_code == 400
    assert response.context["known_person"] is None
