"""Downloads about one person are named for what they hold and when, never for the person
(the dashboards' downloads: tests/reporting/test_export_filenames.py; documents:
tests/documents/test_download.py)."""

import datetime

import time_machine
from django.urls import reverse

from tests.factories import PersonFactory


def test_subject_access_download_is_named_for_the_day_it_was_made_not_the_person(client, team_lead):
    person = PersonFactory(team=team_lead.team, given_name="Morwenna", family_name="Tregarthen")
    client.force_login(team_lead)

    # 23:30 on 30 June in UTC is 00:30 on 1 July in London: the day the team lead sees.
    with time_machine.travel(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)):
        response = client.get(reverse("referrals:subject_access_json", args=[person.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="subject-access-export_2026-07-01.json"'
    )
