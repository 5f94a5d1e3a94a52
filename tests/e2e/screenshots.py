"""Where the browser tests' screenshots go, and whether they are taken.

Every screen a journey passes is saved as test-artifacts/screenshots/<name>.png, for a
person to look at. Saving one costs a quarter of a second of Chromium's time (a sixth of a
journey), so a run nobody will look at (CI: `E2E_SCREENSHOTS=failures` in .ci/run) skips
them and keeps only the screen a failing test was on (tests/e2e/conftest.py).
"""

import os
import re
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
MODES = ("all", "failures")


def mode() -> str:
    value = os.environ.get("E2E_SCREENSHOTS", "all")
    if value not in MODES:
        raise ValueError(f"E2E_SCREENSHOTS must be one of {', '.join(MODES)}, not {value!r}")
    return value


def file_name(name: str) -> Path:
    safe = re.sub(r"[^\w.-]+", "_", name)
    return SCREENSHOTS / f"{safe}.png"


def save(target, name: str, *, always: bool = False) -> Path:
    """Save a page (the whole of it) or an element as <name>.png, unless only failures are
    kept (`always`: the failure's own screenshot)."""
    path = file_name(name)
    if always or mode() == "all":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        if hasattr(target, "set_viewport_size"):  # a page, not an element
            target.screenshot(path=str(path), full_page=True)
        else:
            target.screenshot(path=str(path))
    return path
