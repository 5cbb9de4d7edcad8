"""Helpers for the real-Chromium tests; the ``browser`` and ``demo_server`` fixtures are in conftest.py.

Chromium is Debian's (/usr/bin/chromium, or JUNKAN_CHROMIUM); no test downloads a browser. Screenshots go to
artifacts/screenshots/ so a person can look at them after the run.
"""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = os.environ.get("JUNKAN_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def shot(page: object, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    out = SHOTS / f"{name}.png"
    page.screenshot(path=str(out), full_page=True)  # type: ignore[attr-defined]
    return out
