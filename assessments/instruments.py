"""Validated screening instruments: published wording, answer options and scoring.

Pure functions, no database. `score(code, answers)` takes the answers in item order as the
person gave them and returns the total, the band and any flags; a wrong number of
answers or a value outside an item's options raises ValueError naming the item.
A partly answered instrument is never scored (see `is_complete`), but its flags are known
from what is answered: `flags(code, answers)` raises PHQ-9's self-harm flag as soon as
item 9 is answered above 0, whatever else is missing.
PHQ-9 and GAD-7 end with a published question on how difficult the problems have made
life (`Instrument.difficulty`): recorded and shown, never scored.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Item:
    text: str
    options: tuple[tuple[int, str], ...]
    # Shown above the item when it opens a new part of the questionnaire (SADQ).
    heading: str = ""
    reverse_scored: bool = False

    def __iter__(self):
        """Unpacks as (text, options), the shape other code may rely on."""
        return iter((self.text, self.options))

    @functools.cached_property
    def values(self) -> tuple[int, ...]:
        """Worked out once: scoring checks every answer against its item's values."""
        return tuple(value for value, _label in self.options)

    def points(self, value: int) -> int:
        """The points a recorded answer contributes (yes/no items may be reverse-scored)."""
        if self.reverse_scored:
            return max(self.values) - value
        return value


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    low: int
    high: int


@dataclass(frozen=True)
class Instrument:
    code: str
    title: str
    measures: str
    source: str
    preamble: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    # (item number counted from 1, lowest answer that raises it, flag name)
    flag_rules: tuple[tuple[int, int, str], ...] = ()
    # The final, unscored question of PHQ-9 and GAD-7 (not an item: never in the total).
    difficulty: Item | None = None

    @property
    def slug(self) -> str:
        return self.code.lower()

    @property
    def max_total(self) -> int:
        return sum(max(item.points(v) for v in item.values) for item in self.items)

    def band_for(self, total: int) -> Band:
        for band in self.bands:
            if band.low <= total <= band.high:
                return band
        raise ValueError(f"{self.code} total {total} is outside every band")

    def band_label(self, key: str) -> str:
        return next((band.label for band in self.bands if band.key == key), key)


@dataclass
class Score:
    total: int
    band: str
    flags: set[str] = field(default_factory=set)
    band_label: str = ""


FLAG_LABELS = {
    "self_harm": "Self-harm flag",
    "full_audit_advised": "Complete the full AUDIT",
}
_PHQ_OPTIONS = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)
_FREQUENCY = (
    (0, "Never"),
    (1, "Less than monthly"),
    (2, "Monthly"),
    (3, "Weekly"),
    (4, "Daily or almost daily"),
)
_INJURY = ((0, "No"), (2, "Yes, but not in the last year"), (4, "Yes, during the last year"))
_YES_NO = ((0, "No"), (1, "Yes"))
_SADQ = ((0, "Almost never"), (1, "Sometimes"), (2, "Often"), (3, "Nearly always"))
# Published with PHQ-9 and GAD-7 (Pfizer's PHQ screeners): asked last, not scored.
_DIFFICULTY = Item(
    text=(
        "If you checked off any problems, how difficult have these problems made it for you "
        "to do your work, take care of things at home, or get along with other people?"
    ),
    options=(
        (0, "Not difficult at all"),
        (1, "Somewhat difficult"),
        (2, "Very difficult"),
        (3, "Extremely difficult"),
    ),
)


def _items(texts, options, **kwargs) -> tuple[Item, ...]:
    return tuple(Item(text=text, options=options, **kwargs) for text in texts)


PHQ_9 = Instrument(
    code="PHQ-9",
    title="Patient Health Questionnaire (PHQ-9)",
    measures="Depression",
    source=(
        "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression "
        "severity measure. J Gen Intern Med 2001;16:606-613. Developed by Drs Robert L "
        "Spitzer, Janet BW Williams, Kurt Kroenke and colleagues, with an educational grant "
        "from Pfizer Inc. No permission required to reproduce, translate, display or distribute."
    ),
    preamble=(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    items=_items(
        [
            "Little interest or pleasure in doing things",
            "Feeling down, depressed, or hopeless",
            "Trouble falling or staying asleep, or sleeping too much",
            "Feeling tired or having little energy",
            "Poor appetite or overeating",
            "Feeling bad about yourself — or that you are a failure or have let yourself or "
            "your family down",
            "Trouble concentrating on things, such as reading the newspaper or watching television",
            "Moving or speaking so slowly that other people could have noticed? Or the "
            "opposite — being so fidgety or restless that you have been moving around a lot "
            "more than usual",
            "Thoughts that you would be better off dead or of hurting yourself in some way",
        ],
        _PHQ_OPTIONS,
    ),
    bands=(
        Band("minimal", "Minimal depression", 0, 4),
        Band("mild", "Mild depression", 5, 9),
        Band("moderate", "Moderate depression", 10, 14),
        Band("moderately_severe", "Moderately severe depression", 15, 19),
        Band("severe", "Severe depression", 20, 27),
    ),
    flag_rules=((9, 1, "self_harm"),),
    difficulty=_DIFFICULTY,
)

GAD_7 = Instrument(
    code="GAD-7",
    title="Generalised Anxiety Disorder Assessment (GAD-7)",
    measures="Anxiety",
    source=(
        "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing "
        "generalized anxiety disorder: the GAD-7. Arch Intern Med 2006;166:1092-1097. "
        "No permission required to reproduce, translate, display or distribute."
    ),
    preamble=("Over the last 2 weeks, how often have you been bothered by the following problems?"),
    items=_items(
        [
            "Feeling nervous, anxious or on edge",
            "Not being able to stop or control worrying",
            "Worrying too much about different things",
            "Trouble relaxing",
            "Being so restless that it is hard to sit still",
            "Becoming easily annoyed or irritable",
            "Feeling afraid as if something awful might happen",
        ],
        _PHQ_OPTIONS,
    ),
    bands=(
        Band("minimal", "Minimal anxiety", 0, 4),
        Band("mild", "Mild anxiety", 5, 9),
        Band("moderate", "Moderate anxiety", 10, 14),
        Band("severe", "Severe anxiety", 15, 21),
    ),
    difficulty=_DIFFICULTY,
)

_AUDIT_ITEMS = (
    Item(
        "How often do you have a drink containing alcohol?",
        (
            (0, "Never"),
            (1, "Monthly or less"),
            (2, "2 to 4 times per month"),
            (3, "2 to 3 times per week"),
            (4, "4 or more times per week"),
        ),
    ),
    Item(
        "How many units of alcohol do you drink on a typical day when you are drinking?",
        ((0, "0 to 2"), (1, "3 to 4"), (2, "5 to 6"), (3, "7 to 9"), (4, "10 or more")),
    ),
    Item(
        "How often have you had 6 or more units if female, or 8 or more if male, on a single "
        "occasion in the last year?",
        _FREQUENCY,
    ),
    *_items(
        [
            "How often during the last year have you found that you were not able to stop "
            "drinking once you had started?",
            "How often during the last year have you failed to do what was normally expected "
            "from you because of your drinking?",
            "How often during the last year have you needed an alcoholic drink in the morning "
            "to get yourself going after a heavy drinking session?",
            "How often during the last year have you had a feeling of guilt or remorse after "
            "drinking?",
            "How often during the last year have you been unable to remember what happened "
            "the night before because you had been drinking?",
        ],
        _FREQUENCY,
    ),
    *_items(
        [
            "Have you or somebody else been injured as a result of your drinking?",
            "Has a relative or friend, doctor or other health worker been concerned about "
            "your drinking or suggested that you cut down?",
        ],
        _INJURY,
    ),
)

_AUDIT_SOURCE = (
    "Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. AUDIT: The Alcohol Use "
    "Disorders Identification Test. Guidelines for use in primary care. 2nd edition. World "
    "Health Organization, 2001. UK version with units as published by Public Health England "
    "(now the Office for Health Improvement and Disparities)."
)

AUDIT = Instrument(
    code="AUDIT",
    title="Alcohol Use Disorders Identification Test (AUDIT)",
    measures="Alcohol use",
    source=_AUDIT_SOURCE,
    preamble="Questions about your use of alcohol. One unit is half a pint of ordinary beer, "
    "a single measure of spirits or half a standard glass of wine.",
    items=_AUDIT_ITEMS,
    bands=(
        Band("lower_risk", "Lower risk", 0, 7),
        Band("increasing_risk", "Increasing risk", 8, 15),
        Band("higher_risk", "Higher risk", 16, 19),
        Band("possible_dependence", "Possible dependence", 20, 40),
    ),
)

AUDIT_C = Instrument(
    code="AUDIT-C",
    title="AUDIT-C (the first three AUDIT questions)",
    measures="Alcohol use (brief screen)",
    source=_AUDIT_SOURCE,
    preamble=AUDIT.preamble,
    items=_AUDIT_ITEMS[:3],
    bands=(
        Band("negative", "Negative", 0, 4),
        Band("positive", "Positive: complete the full AUDIT", 5, 12),
    ),
)

DAST_10 = Instrument(
    code="DAST-10",
    title="Drug Abuse Screening Test (DAST-10)",
    measures="Drug use",
    source=(
        "Skinner HA. The Drug Abuse Screening Test. Addictive Behaviors 1982;7(4):363-371. "
        "Copyright 1982 Harvey A. Skinner, PhD; free to use for non-commercial clinical care."
    ),
    preamble=(
        "These questions refer to the past 12 months. “Drug abuse” refers to (1) the use of "
        "prescribed or over-the-counter drugs in excess of the directions and (2) any "
        "non-medical use of drugs. Do not include alcoholic beverages."
    ),
    items=tuple(
        Item(text=text, options=_YES_NO, reverse_scored=(number == 3))
        for number, text in enumerate(
            [
                "Have you used drugs other than those required for medical reasons?",
                "Do you abuse more than one drug at a time?",
                "Are you always able to stop using drugs when you want to?",
                "Have you had “blackouts” or “flashbacks” as a result of drug use?",
                "Do you ever feel bad or guilty about your drug use?",
                "Does your spouse (or parents) ever complain about your involvement with drugs?",
                "Have you neglected your family because of your use of drugs?",
                "Have you engaged in illegal activities in order to obtain drugs?",
                "Have you ever experienced withdrawal symptoms (felt sick) when you stopped "
                "taking drugs?",
                "Have you had medical problems as a result of your drug use (for example, "
                "memory loss, hepatitis, convulsions, bleeding)?",
            ],
            start=1,
        )
    ),
    bands=(
        Band("none", "No problems reported", 0, 0),
        Band("low", "Low level", 1, 2),
        Band("moderate", "Moderate level", 3, 5),
        Band("substantial", "Substantial level", 6, 8),
        Band("severe", "Severe level", 9, 10),
    ),
)

_MORNING = "The day after drinking alcohol, "
SADQ = Instrument(
    code="SADQ",
    title="Severity of Alcohol Dependence Questionnaire (SADQ)",
    measures="Alcohol dependence",
    source=(
        "Stockwell T, Murphy D, Hodgson R. The Severity of Alcohol Dependence Questionnaire: "
        "its use, reliability and validity. British Journal of Addiction 1983;78:145-155."
    ),
    preamble=(
        "Please recall a typical period of heavy drinking in the last 6 months. Answer the "
        "following questions about your drinking during that period."
    ),
    items=(
        *(
            Item(
                text=_MORNING + text,
                options=_SADQ,
                heading="During that period of heavy drinking:" if number == 1 else "",
            )
            for number, text in enumerate(
                [
                    "I woke up feeling sweaty.",
                    "my hands shook first thing in the morning.",
                    "my whole body shook violently first thing in the morning if I didn't "
                    "have a drink.",
                    "I woke up absolutely drenched in sweat.",
                    "I dreaded waking up in the morning.",
                    "I was frightened of meeting people first thing in the morning.",
                    "I felt at the edge of despair when I awoke.",
                    "I felt very frightened when I awoke.",
                    "I liked to have an alcoholic drink in the morning.",
                    "I always gulped my first few alcoholic drinks down as quickly as possible.",
                    "I drank more alcohol to get rid of the shakes.",
                    "I had a very strong craving for a drink when I awoke.",
                ],
                start=1,
            )
        ),
        *_items(
            [
                "I drank more than a quarter of a bottle of spirits in a day (or 1 bottle of "
                "wine or 7 pints of beer).",
                "I drank more than half a bottle of spirits per day (or 2 bottles of wine or "
                "15 pints of beer).",
                "I drank more than one bottle of spirits per day (or 4 bottles of wine or 30 "
                "pints of beer).",
                "I drank more than two bottles of spirits per day (or 8 bottles of wine or 60 "
                "pints of beer).",
            ],
            _SADQ,
        ),
        Item(
            "I would start to sweat.",
            _SADQ,
            heading=(
                "Imagine the following situation: (1) you have been completely off drink for "
                "a few weeks; (2) you then drink very heavily for two days. How would you "
                "feel the morning after those two days of heavy drinking?"
            ),
        ),
        *_items(
            ["My hands would shake.", "My body would shake.", "I would be craving for a drink."],
            _SADQ,
        ),
    ),
    bands=(
        Band("mild", "Mild dependence", 0, 15),
        Band("moderate", "Moderate dependence", 16, 30),
        Band("severe", "Severe dependence", 31, 60),
    ),
)

INSTRUMENTS: dict[str, Instrument] = {
    instrument.code: instrument for instrument in (PHQ_9, GAD_7, AUDIT_C, AUDIT, DAST_10, SADQ)
}
BY_SLUG: dict[str, Instrument] = {
    instrument.slug: instrument for instrument in INSTRUMENTS.values()
}
CODE_CHOICES = [(code, instrument.title) for code, instrument in INSTRUMENTS.items()]


def get(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise ValueError(f"Unknown instrument {code!r}") from None


def validate(code: str, answers: Sequence[int | None], *, allow_missing: bool = False) -> None:
    """Raise ValueError naming the first item whose answer is not one of its options."""
    instrument = get(code)
    items = instrument.items
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValueError(f"{code} answers must be a list in item order")
    if len(answers) < len(items):
        raise ValueError(f"{code} item {len(answers) + 1} has no answer ({len(items)} expected)")
    if len(answers) > len(items):
        raise ValueError(
            f"{code} has {len(items)} items: answer {len(items) + 1} does not belong to any item"
        )
    for number, (item, value) in enumerate(zip(items, answers, strict=True), start=1):
        if value is None and allow_missing:
            continue
        if value is None:
            raise ValueError(f"{code} item {number} has no answer")
        if isinstance(value, bool) or not isinstance(value, int) or value not in item.values:
            allowed = ", ".join(str(v) for v in item.values)
            raise ValueError(f"{code} item {number}: {value!r} is not one of {allowed}")


def validate_difficulty(code: str, value: int | None) -> None:
    """Raise ValueError unless `value` is None or one of the difficulty question's options."""
    question = get(code).difficulty
    if value is None:
        return
    if question is None:
        raise ValueError(f"{code} has no question on how difficult the problems have made life")
    if isinstance(value, bool) or not isinstance(value, int) or value not in question.values:
        allowed = ", ".join(str(v) for v in question.values)
        raise ValueError(f"{code} difficulty question: {value!r} is not one of {allowed}")


def is_complete(answers: Sequence[int | None]) -> bool:
    return all(value is not None for value in answers)


def flags(code: str, answers: Sequence[int | None]) -> set[str]:
    """The flags raised by a possibly partial set of answers (None where unanswered).

    An item's flag rises as soon as that item is answered at or above its threshold,
    whatever else is missing (PHQ-9 item 9 above 0: "self_harm"). A flag that depends on
    the total (AUDIT-C positive: "full_audit_advised") needs every answer. Raises
    ValueError, as `validate` does, for a wrong number of answers or a value outside an
    item's options.
    """
    validate(code, answers, allow_missing=True)
    return _raised_flags(get(code), answers)


def _raised_flags(instrument: Instrument, answers: Sequence[int | None]) -> set[str]:
    """flags() of answers already validated."""
    code = instrument.code
    raised = {
        flag
        for number, threshold, flag in instrument.flag_rules
        if answers[number - 1] is not None and answers[number - 1] >= threshold
    }
    if code == "AUDIT-C" and is_complete(answers):
        total = sum(item.points(v) for item, v in zip(instrument.items, answers, strict=True))
        if instrument.band_for(total).key == "positive":
            raised.add("full_audit_advised")
    return raised


def score(code: str, answers: Sequence[int]) -> Score:
    """Total, band and flags of a fully answered instrument (ValueError otherwise)."""
    validate(code, answers)
    instrument = get(code)
    total = sum(item.points(value) for item, value in zip(instrument.items, answers, strict=True))
    band = instrument.band_for(total)
    raised = _raised_flags(instrument, answers)  # validated above: not again by flags()
    return Score(total=total, band=band.key, flags=raised, band_label=band.label)
