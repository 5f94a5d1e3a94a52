"""The assurance documents stay true to the code: every test a document names as a control
exists, and the data-protection summary's field counts are the classification registry's.

docs/clinical-safety.md names the test that mitigates each hazard as `file::test_name`; a
renamed or deleted test would leave a hazard claiming a control it no longer has.
"""

import ast
import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest

from accounts.classification import FIELD_CLASSES, PROJECT_APPS, DataClass

ROOT = Path(__file__).resolve().parent.parent.parent
DOCS = ("clinical-safety.md", "data-protection.md", "log-inventory.md")
TEST_REFERENCE = re.compile(r"(tests/[\w/]+\.py)::(test_\w+)")


def referenced_tests(doc: str) -> list[tuple[str, str]]:
    return TEST_REFERENCE.findall((ROOT / "docs" / doc).read_text())


def defined_test_names(path: Path) -> set[str]:
    """Names of the test functions a file defines, at module level or in a class."""
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


@pytest.mark.parametrize("doc", DOCS)
def test_every_test_a_document_names_exists(doc):
    missing = [
        f"{path}::{name}"
        for path, name in referenced_tests(doc)
        if not (ROOT / path).exists() or name not in defined_test_names(ROOT / path)
    ]
    assert missing == []


def test_the_hazard_log_names_tests():
    # Guards the test above against a document whose references stopped matching at all.
    assert len(set(referenced_tests("clinical-safety.md"))) >= 100


def test_every_hazard_in_the_summary_has_its_entry():
    text = (ROOT / "docs" / "clinical-safety.md").read_text()
    summary = set(re.findall(r"^\| (H\d\d) \|", text, flags=re.MULTILINE))
    entries = set(re.findall(r"^\*\*(H\d\d) ", text, flags=re.MULTILINE))
    assert summary == entries
    assert len(summary) >= 30


def registry_counts() -> dict[str, Counter]:
    counts = {label: Counter() for label in PROJECT_APPS}
    for key, cls in FIELD_CLASSES.items():
        counts[key.split(".", 1)[0]][cls] += 1
    return counts


def test_data_protection_field_counts_are_the_registrys():
    text = (ROOT / "docs" / "data-protection.md").read_text()
    documented = {}
    for label in PROJECT_APPS:
        row = re.search(rf"^\| `{label}` \|(.+)\|$", text, flags=re.MULTILINE)
        assert row, f"no row for {label} in docs/data-protection.md"
        cells = [cell.strip().replace(",", "") for cell in row.group(1).split("|")]
        documented[label] = [int(cell) for cell in cells]
    expected = {
        label: [counts[cls] for cls in DataClass] + [sum(counts.values())]
        for label, counts in registry_counts().items()
    }
    assert documented == expected


def risk_matrix(text: str) -> dict[tuple[str, str], int]:
    """(severity, likelihood) -> rating, read from the matrix table in the document."""
    rows = re.findall(r"^\| (Very high|High|Medium|Low|Very low) \|(.+)\|$", text, re.MULTILINE)
    severities = ("Minor", "Significant", "Considerable", "Major", "Catastrophic")
    return {
        (severity, likelihood): int(cell)
        for likelihood, cells in rows
        for severity, cell in zip(severities, cells.split("|"), strict=True)
    }


def test_every_hazard_rating_follows_the_risk_matrix():
    text = (ROOT / "docs" / "clinical-safety.md").read_text()
    matrix = risk_matrix(text)
    assert len(matrix) == 25
    ratings = re.findall(r"(\w+) x (Very high|High|Medium|Low|Very low) = (\d)", text)
    wrong = [rating for rating in ratings if matrix[rating[:2]] != int(rating[2])]
    assert len(ratings) >= 60
    assert wrong == []


def test_every_security_test_file_is_in_a_results_group():
    spec = importlib.util.spec_from_file_location(
        "security_results", ROOT / "scripts" / "security_results.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    grouped = [path for _name, _what, files in script.GROUPS for path in files]
    security_files = sorted(
        str(path.relative_to(ROOT)) for path in (ROOT / "tests" / "security").glob("test_*.py")
    )
    assert sorted(set(security_files) - set(grouped)) == []
    assert len(grouped) == len(set(grouped))
