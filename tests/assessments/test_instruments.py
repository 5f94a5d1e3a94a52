"""The scoring rules of each validated instrument (docs/domain.md "Instruments"), pinned at every
band's lowest and highest total."""

import pytest

from assessments import instruments
from assessments.instruments import INSTRUMENTS, score


def answers_totalling(code: str, total: int) -> list[int]:
    """Answers in item order whose score is `total`, filling items from the first."""
    answers = []
    remaining = total
    for item in INSTRUMENTS[code].items:
        # Pick the option giving the most points without overshooting.
        best = max(
            (value for value in item.values if item.points(value) <= remaining),
            key=item.points,
        )
        answers.append(best)
        remaining -= item.points(best)
    assert remaining == 0, f"cannot make {total} for {code}"
    return answers


BOUNDARIES = [
    ("PHQ-9", 0, "minimal"),
    ("PHQ-9", 4, "minimal"),
    ("PHQ-9", 5, "mild"),
    ("PHQ-9", 9, "mild"),
    ("PHQ-9", 10, "moderate"),
    ("PHQ-9", 14, "moderate"),
    ("PHQ-9", 15, "moderately_severe"),
    ("PHQ-9", 19, "moderately_severe"),
    ("PHQ-9", 20, "severe"),
    ("PHQ-9", 27, "severe"),
    ("GAD-7", 0, "minimal"),
    ("GAD-7", 4, "minimal"),
    ("GAD-7", 5, "mild"),
    ("GAD-7", 9, "mild"),
    ("GAD-7", 10, "moderate"),
    ("GAD-7", 14, "moderate"),
    ("GAD-7", 15, "severe"),
    ("GAD-7", 21, "severe"),
    ("AUDIT", 0, "lower_risk"),
    ("AUDIT", 7, "lower_risk"),
    ("AUDIT", 8, "increasing_risk"),
    ("AUDIT", 15, "increasing_risk"),
    ("AUDIT", 16, "higher_risk"),
    ("AUDIT", 19, "higher_risk"),
    ("AUDIT", 20, "possible_dependence"),
    ("AUDIT", 40, "possible_dependence"),
    ("AUDIT-C", 0, "negative"),
    ("AUDIT-C", 4, "negative"),
    ("AUDIT-C", 5, "positive"),
    ("AUDIT-C", 12, "positive"),
    ("DAST-10", 0, "none"),
    ("DAST-10", 1, "low"),
    ("DAST-10", 2, "low"),
    ("DAST-10", 3, "moderate"),
    ("DAST-10", 5, "moderate"),
    ("DAST-10", 6, "substantial"),
    ("DAST-10", 8, "substantial"),
    ("DAST-10", 9, "severe"),
    ("DAST-10", 10, "severe"),
    ("SADQ", 0, "mild"),
    ("SADQ", 15, "mild"),
    ("SADQ", 16, "moderate"),
    ("SADQ", 30, "moderate"),
    ("SADQ", 31, "severe"),
    ("SADQ", 60, "severe"),
]


@pytest.mark.parametrize(("code", "total", "band"), BOUNDARIES)
def test_score_band_boundaries(code, total, band):
    result = score(code, answers_totalling(code, total))

    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize("code", list(INSTRUMENTS))
def test_every_band_is_pinned_at_both_ends(code):
    bands = INSTRUMENTS[code].bands
    pinned = {(total, band) for c, total, band in BOUNDARIES if c == code}

    for band in bands:
        assert (band.low, band.key) in pinned
        assert (band.high, band.key) in pinned
    assert bands[0].low == 0
    assert bands[-1].high == INSTRUMENTS[code].max_total


@pytest.mark.parametrize(
    ("code", "items", "maximum"),
    [
        ("PHQ-9", 9, 27),
        ("GAD-7", 7, 21),
        ("AUDIT", 10, 40),
        ("AUDIT-C", 3, 12),
        ("DAST-10", 10, 10),
        ("SADQ", 20, 60),
    ],
)
def test_instrument_has_published_item_count_and_maximum(code, items, maximum):
    assert len(INSTRUMENTS[code].items) == items
    assert INSTRUMENTS[code].max_total == maximum


def test_dast10_item_3_is_reverse_scored():
    all_no = [0] * 10
    only_item_3_yes = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]

    assert score("DAST-10", all_no).total == 1
    assert score("DAST-10", only_item_3_yes).total == 0
    assert score("DAST-10", [1, 1, 0, 1, 1, 1, 1, 1, 1, 1]).total == 10


def test_dast10_all_yes_scores_nine_because_item_3_reverses():
    assert score("DAST-10", [1] * 10).total == 9


@pytest.mark.parametrize("value", [0, 2, 4])
def test_audit_items_9_and_10_accept_0_2_4(value):
    answers = [0] * 8 + [value, value]

    assert score("AUDIT", answers).total == 2 * value


@pytest.mark.parametrize(("item", "value"), [(9, 1), (9, 3), (10, 1), (10, 3)])
def test_audit_items_9_and_10_refuse_odd_values(item, value):
    answers = [0] * 10
    answers[item - 1] = value

    with pytest.raises(ValueError, match=f"AUDIT item {item}: {value} is not one of 0, 2, 4"):
        score("AUDIT", answers)


def test_audit_c_is_audit_items_1_to_3():
    assert INSTRUMENTS["AUDIT-C"].items == INSTRUMENTS["AUDIT"].items[:3]


def test_audit_c_positive_advises_full_audit():
    assert score("AUDIT-C", [2, 2, 1]).flags == {"full_audit_advised"}
    assert score("AUDIT-C", [2, 1, 1]).flags == set()


@pytest.mark.parametrize("item_9", [1, 2, 3])
def test_phq9_item_9_above_zero_raises_self_harm_flag(item_9):
    result = score("PHQ-9", [0] * 8 + [item_9])

    assert result.flags == {"self_harm"}
    assert result.band == "minimal"


def test_phq9_item_9_zero_raises_no_flag_even_when_severe():
    result = score("PHQ-9", [3] * 8 + [0])

    assert (result.total, result.band, result.flags) == (24, "severe", set())


@pytest.mark.parametrize("code", list(INSTRUMENTS))
def test_too_few_answers_name_the_missing_item(code):
    count = len(INSTRUMENTS[code].items)

    with pytest.raises(ValueError, match=f"{code} item {count} has no answer"):
        score(code, [0] * (count - 1))


@pytest.mark.parametrize("code", list(INSTRUMENTS))
def test_too_many_answers_are_refused(code):
    count = len(INSTRUMENTS[code].items)

    with pytest.raises(ValueError, match=f"{code} has {count} items: answer {count + 1}"):
        score(code, [0] * (count + 1))


@pytest.mark.parametrize(
    ("code", "item", "value"),
    [
        ("PHQ-9", 3, 4),
        ("GAD-7", 7, -1),
        ("AUDIT", 1, 5),
        ("AUDIT-C", 2, 7),
        ("DAST-10", 3, 2),
        ("SADQ", 20, 4),
    ],
)
def test_out_of_range_answer_names_the_item(code, item, value):
    answers = [0] * len(INSTRUMENTS[code].items)
    answers[item - 1] = value

    with pytest.raises(ValueError, match=f"{code} item {item}: {value} is not one of"):
        score(code, answers)


def test_missing_answer_is_never_scored_as_zero():
    with pytest.raises(ValueError, match="PHQ-9 item 4 has no answer"):
        score("PHQ-9", [1, 1, 1, None, 1, 1, 1, 1, 0])


@pytest.mark.parametrize("bad", [True, 1.0, "1"])
def test_answers_that_are_not_integers_are_refused(bad):
    with pytest.raises(ValueError, match="PHQ-9 item 1"):
        score("PHQ-9", [bad] + [0] * 8)


def test_unknown_instrument_is_refused():
    with pytest.raises(ValueError, match="Unknown instrument 'PHQ-2'"):
        score("PHQ-2", [0, 0])


def test_answers_as_a_string_are_refused():
    with pytest.raises(ValueError, match="must be a list"):
        score("PHQ-9", "000000000")


def test_validate_allows_missing_answers_for_drafts():
    instruments.validate("PHQ-9", [None] * 9, allow_missing=True)

    assert instruments.is_complete([0] * 9)
    assert not instruments.is_complete([0] * 8 + [None])


def test_every_item_has_published_wording_and_options():
    phq9 = INSTRUMENTS["PHQ-9"]

    assert phq9.items[8].text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert [label for _, label in phq9.items[0].options] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert all(instrument.source for instrument in INSTRUMENTS.values())


def test_items_unpack_as_text_and_options():
    text, options = INSTRUMENTS["AUDIT"].items[8]

    assert text == "Have you or somebody else been injured as a result of your drinking?"
    assert [value for value, _ in options] == [0, 2, 4]


# flags(): raised from a possibly partial set of answers ------------------------------


@pytest.mark.parametrize(
    ("item_9", "expected"),
    [(0, set()), (1, {"self_harm"}), (2, {"self_harm"}), (3, {"self_harm"}), (None, set())],
)
def test_flags_phq9_item_9_with_every_other_item_unanswered(item_9, expected):
    assert instruments.flags("PHQ-9", [None] * 8 + [item_9]) == expected


@pytest.mark.parametrize(
    ("item_9", "expected"), [(0, set()), (1, {"self_harm"}), (3, {"self_harm"})]
)
def test_flags_phq9_item_9_with_every_other_item_answered(item_9, expected):
    assert instruments.flags("PHQ-9", [3] * 8 + [item_9]) == expected


def test_flags_phq9_some_items_answered_and_item_9_above_zero():
    assert instruments.flags("PHQ-9", [1, None, 2, None, None, 0, None, None, 2]) == {"self_harm"}


def test_flags_phq9_nothing_answered_raises_nothing():
    assert instruments.flags("PHQ-9", [None] * 9) == set()


def test_flags_phq9_high_answers_elsewhere_but_item_9_unanswered_raise_nothing():
    assert instruments.flags("PHQ-9", [3] * 8 + [None]) == set()


@pytest.mark.parametrize("count", [0, 8])
def test_flags_refuses_too_few_answers(count):
    with pytest.raises(ValueError, match=f"PHQ-9 item {count + 1} has no answer"):
        instruments.flags("PHQ-9", [None] * count)


def test_flags_refuses_too_many_answers():
    with pytest.raises(ValueError, match="PHQ-9 has 9 items: answer 10"):
        instruments.flags("PHQ-9", [None] * 8 + [2, 0])


def test_flags_refuses_an_answer_outside_the_options():
    with pytest.raises(ValueError, match="PHQ-9 item 9: 4 is not one of 0, 1, 2, 3"):
        instruments.flags("PHQ-9", [None] * 8 + [4])


@pytest.mark.parametrize("code", ["GAD-7", "AUDIT", "DAST-10", "SADQ"])
def test_flags_other_instruments_raise_none_whatever_the_answers(code):
    items = INSTRUMENTS[code].items
    highest = [max(item.values, key=item.points) for item in items]

    assert instruments.flags(code, highest) == set()
    assert instruments.flags(code, [None] * (len(items) - 1) + [highest[-1]]) == set()


def test_flags_audit_c_advice_needs_every_answer():
    assert instruments.flags("AUDIT-C", [4, 4, None]) == set()
    assert instruments.flags("AUDIT-C", [2, 2, 1]) == {"full_audit_advised"}
    assert instruments.flags("AUDIT-C", [2, 1, 1]) == set()


@pytest.mark.parametrize("code", list(INSTRUMENTS))
def test_score_flags_are_the_flags_of_the_same_answers(code):
    items = INSTRUMENTS[code].items
    for answers in ([item.values[0] for item in items], [item.values[-1] for item in items]):
        assert score(code, answers).flags == instruments.flags(code, answers)


def test_score_still_refuses_a_partial_phq9_that_flags():
    answers = [None] * 8 + [2]

    assert instruments.flags("PHQ-9", answers) == {"self_harm"}
    with pytest.raises(ValueError, match="PHQ-9 item 1 has no answer"):
        score("PHQ-9", answers)


# The final, unscored difficulty question of PHQ-9 and GAD-7 ---------------------------

DIFFICULTY_TEXT = (
    "If you checked off any problems, how difficult have these problems made it for you to "
    "do your work, take care of things at home, or get along with other people?"
)


@pytest.mark.parametrize("code", ["PHQ-9", "GAD-7"])
def test_phq9_and_gad7_carry_the_published_difficulty_question(code):
    question = INSTRUMENTS[code].difficulty

    assert question.text == DIFFICULTY_TEXT
    assert [label for _, label in question.options] == [
        "Not difficult at all",
        "Somewhat difficult",
        "Very difficult",
        "Extremely difficult",
    ]


@pytest.mark.parametrize("code", ["AUDIT", "AUDIT-C", "DAST-10", "SADQ"])
def test_other_instruments_have_no_difficulty_question(code):
    assert INSTRUMENTS[code].difficulty is None


@pytest.mark.parametrize("code", ["PHQ-9", "GAD-7"])
def test_difficulty_question_is_not_an_item_and_not_in_the_maximum(code):
    instrument = INSTRUMENTS[code]

    assert instrument.difficulty not in instrument.items
    assert (len(instrument.items), instrument.max_total) == {
        "PHQ-9": (9, 27),
        "GAD-7": (7, 21),
    }[code]


@pytest.mark.parametrize("difficulty", [None, 0, 1, 2, 3])
def test_validate_difficulty_accepts_its_options_and_no_answer(difficulty):
    instruments.validate_difficulty("PHQ-9", difficulty)


@pytest.mark.parametrize(
    ("code", "difficulty"), [("PHQ-9", 4), ("GAD-7", -1), ("PHQ-9", True), ("AUDIT", 0)]
)
def test_validate_difficulty_refuses_other_values(code, difficulty):
    with pytest.raises(ValueError, match=f"{code}"):
        instruments.validate_difficulty(code, difficulty)
