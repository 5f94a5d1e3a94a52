"""The statutory criteria for each treatment requirement (docs/domain.md "Treatment requirements and their criteria").

Pure data: the recommendation checklist shows these, criterion by criterion, so a probation
officer can carry them into the pre-sentence report.
"""

from dataclasses import dataclass

from .enums import RequirementKind


@dataclass(frozen=True)
class Criterion:
    code: str
    text: str
    # Instrument codes whose results are offered as evidence; "care_threshold" offers the
    # assessment's care threshold.
    evidence_from: tuple[str, ...] = ()


_MHTR_COMMON = (
    Criterion(
        "requires_treatment",
        "The person's mental condition requires treatment and may be susceptible to treatment",
        ("PHQ-9", "GAD-7", "care_threshold"),
    ),
    Criterion(
        "no_hospital_order",
        "The condition does not warrant a hospital order or guardianship order",
    ),
    Criterion(
        "arrangements",
        "Arrangements have been made for treatment by or under the direction of a registered "
        "medical practitioner or registered psychologist",
    ),
)

CRITERIA: dict[str, tuple[Criterion, ...]] = {
    RequirementKind.MHTR_PRIMARY: (
        *_MHTR_COMMON,
        Criterion(
            "primary_care_need",
            "The need is mild to moderate, below the threshold of secondary (community) "
            "mental-health services, and suited to primary-care talking therapy",
            ("care_threshold",),
        ),
    ),
    RequirementKind.MHTR_SECONDARY: (
        *_MHTR_COMMON,
        Criterion(
            "secondary_care_need",
            "The person meets the threshold of community mental-health services",
            ("care_threshold",),
        ),
    ),
    RequirementKind.DRR: (
        Criterion(
            "drug_dependency",
            "The person is dependent on, or has a propensity to misuse, drugs",
            ("DAST-10",),
        ),
        Criterion(
            "drug_treatable",
            "The dependency or propensity requires and may be susceptible to treatment",
            ("DAST-10",),
        ),
        Criterion("probation_suitable", "Probation recommends the requirement as suitable"),
        Criterion(
            "arrangements",
            "Arrangements have been made with a named treatment provider (resident or "
            "non-resident)",
        ),
    ),
    RequirementKind.ATR: (
        Criterion(
            "alcohol_dependency",
            "The person is dependent on alcohol",
            ("AUDIT", "SADQ"),
        ),
        Criterion(
            "alcohol_treatable",
            "The dependency requires and may be susceptible to treatment",
            ("AUDIT", "SADQ"),
        ),
        Criterion(
            "arrangements",
            "Arrangements have been made for treatment by a person with the necessary "
            "qualifications or experience",
        ),
    ),
}


def criteria_for(kind: str) -> tuple[Criterion, ...]:
    return CRITERIA[kind]


def criterion_text(kind: str, code: str) -> str:
    return next((c.text for c in CRITERIA.get(kind, ()) if c.code == code), code)
