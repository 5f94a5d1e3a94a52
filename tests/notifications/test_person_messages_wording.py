"""The wording of messages to the person (issue 18): no template for any kind, language or
channel reveals the requirement, the order or any health detail; a text fits in two
fragments for the longest names, places and series; times and dates read as people say
them, in English and Welsh."""

import datetime
import itertools
import re

import pytest

from notifications.enums import PersonMessageKind
from notifications.person_messages import (
    LONDON,
    PHRASES,
    Facts,
    render,
    sms_fragments,
    when_text,
)

KINDS = list(PersonMessageKind.values)
LANGUAGES = ["en", "cy"]
CHANNELS = ["sms", "email", "letter", ""]
# Words that would tell whoever reads the phone or the post about the court order or the
# person's health. "probation" too: NHS services keep it out of texts ("your appointment
# with <officer>" instead).
FORBIDDEN = [
    "mental health",
    "drug",
    "alcohol",
    "DRR",
    "ATR",
    "MHTR",
    "treatment",
    "rehabilitation",
    "probation",
    "court",
    "order",
    "requirement",
    "sentence",
    "offence",
    "therapy",
    "clinic",
    "iechyd meddwl",  # mental health
    "cyffuriau",  # drugs
    "alcohol",
    "triniaeth",  # treatment
    "prawf",  # probation
    "llys",  # court
    "gorchymyn",  # order
]
START = datetime.datetime(2026, 12, 7, 10, 30, tzinfo=LONDON)


def _facts(**overrides):
    values = {
        "name": "Alex",
        "officer": "Priya Shah",
        "place": "Mill Road office",
        "starts_at": START,
        "later": (),
    }
    return Facts(**{**values, **overrides})


def _every_rendering(facts):
    for kind, language, channel in itertools.product(KINDS, LANGUAGES, CHANNELS):
        yield (kind, language, channel), render(kind, language, channel, facts)


def _weekly(n):
    return tuple(START + datetime.timedelta(weeks=i) for i in range(1, n))


@pytest.mark.parametrize("later", [(), _weekly(4), (START + datetime.timedelta(days=3),)])
def test_no_template_reveals_the_requirement_or_health(later):
    for key, body in _every_rendering(_facts(later=later)):
        for word in FORBIDDEN:
            assert not re.search(rf"\b{re.escape(word)}", body, re.IGNORECASE), (key, word)


def test_no_fixed_phrase_holds_a_forbidden_word():
    phrases = [text for language in PHRASES.values() for text in language.values()]
    text = " ".join(p if isinstance(p, str) else " ".join(p.values()) for p in phrases)
    for word in FORBIDDEN:
        assert not re.search(rf"\b{re.escape(word)}", text, re.IGNORECASE), word


def test_every_template_names_the_time_and_first_name_and_who_to_ask_for():
    for (kind, language, _channel), body in _every_rendering(_facts()):
        assert "Alex" in body
        assert "Priya Shah" in body
        assert ("7 Rhagfyr" if language == "cy" else "7 December") in body
        if kind != "cancelled":
            assert "Mill Road office" in body


@pytest.mark.parametrize(
    ("hour", "minute", "english", "welsh"),
    [
        (10, 30, "Monday 7 December at 10:30am", "Dydd Llun 7 Rhagfyr am 10:30yb"),
        (9, 0, "Monday 7 December at 9am", "Dydd Llun 7 Rhagfyr am 9yb"),
        (12, 0, "Monday 7 December at midday", "Dydd Llun 7 Rhagfyr am hanner dydd"),
        (12, 15, "Monday 7 December at 12:15pm", "Dydd Llun 7 Rhagfyr am 12:15yh"),
        (17, 45, "Monday 7 December at 5:45pm", "Dydd Llun 7 Rhagfyr am 5:45yh"),
    ],
)
def test_day_date_and_time_read_as_people_say_them(hour, minute, english, welsh):
    moment = START.replace(hour=hour, minute=minute)
    assert when_text(moment, "en") == english
    assert when_text(moment, "cy") == welsh


def test_time_is_london_time_whatever_the_stored_zone():
    utc = datetime.datetime(2026, 7, 6, 9, 0, tzinfo=datetime.UTC)  # 10:00 BST
    assert when_text(utc, "en") == "Monday 6 July at 10am"


def test_a_text_fits_in_two_fragments_for_the_longest_inputs():
    longest_day = datetime.datetime(2026, 9, 30, 12, 45, tzinfo=LONDON)  # Wednesday, Medi
    longest_welsh = datetime.datetime(2026, 7, 29, 12, 45, tzinfo=LONDON)  # Mercher, Gorffennaf
    for starts_at in (longest_day, longest_welsh):
        facts = _facts(
            name="N" * 100,  # Person.given_name's longest
            officer="O" * 150 + " " + "F" * 150,  # a user's longest names
            place="P" * 120,  # Appointment.location's and Team.name's longest
            starts_at=starts_at,
            # 51 more, at other times than the first: the longest series line
            later=tuple(starts_at + datetime.timedelta(days=8 * i) for i in range(1, 52)),
        )
        for kind, language in itertools.product(KINDS, LANGUAGES):
            body = render(kind, language, "sms", facts)
            assert sms_fragments(body) <= 2, (kind, language, len(body))
            assert len(body) <= 306


def test_fixed_phrases_use_only_the_gsm_alphabet():
    """A character outside it (â, ô, ŵ) would make a text 70 characters a fragment."""
    for (_kind, _language, channel), body in _every_rendering(_facts(later=_weekly(3))):
        if channel == "sms":
            assert sms_fragments(body) == sms_fragments("a" * len(body)), body


def test_fragments_are_counted_as_networks_count_them():
    assert sms_fragments("a" * 160) == 1
    assert sms_fragments("a" * 161) == 2
    assert sms_fragments("a" * 306) == 2
    assert sms_fragments("a" * 307) == 3
    assert sms_fragments("ŵ" + "a" * 69) == 1
    assert sms_fragments("ŵ" + "a" * 70) == 2
    assert sms_fragments("[" * 80) == 1  # extended characters count twice: 160
    assert sms_fragments("[" * 81) == 2


def test_a_long_name_or_place_is_shortened_in_a_text_only():
    facts = _facts(place="P" * 120, officer="Priya Shah-Worthington Featherstonehaugh")
    text = render("confirmation", "en", "sms", facts)
    assert "Where: " + "P" * 40 + ". " in text
    assert "with Priya Shah-Worthington on" in text
    email = render("confirmation", "en", "email", facts)
    assert "P" * 120 in email and "Featherstonehaugh" in email


def test_weekly_and_fortnightly_series_read_as_one_message():
    weekly = render("confirmation", "en", "sms", _facts(later=_weekly(3)))
    fortnightly = render(
        "confirmation",
        "cy",
        "sms",
        _facts(later=(START + datetime.timedelta(weeks=2), START + datetime.timedelta(weeks=4))),
    )
    assert "Then every week at the same time until Monday 21 December." in weekly
    assert "Yna bob pythefnos ar yr un amser tan Dydd Llun 4 Ionawr 2027." in fortnightly


def test_a_booking_at_differing_times_says_how_many_more_and_the_last():
    one = _facts(later=(START + datetime.timedelta(days=3),))
    two = _facts(later=(START + datetime.timedelta(days=3), START + datetime.timedelta(days=9)))

    assert "You have one more appointment after this one, on Thursday 10 December." in render(
        "confirmation", "en", "sms", one
    )
    assert "Mae gennych 2 apwyntiad arall wedyn, yr olaf ar Dydd Mercher 16 Rhagfyr." in render(
        "confirmation", "cy", "email", two
    )
