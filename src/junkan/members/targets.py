"""Declared circular-economy targets (CE目標) of partnership members and their yearly progress.

Circular Partners asks each member to set a quantitative CE target within a year of joining and to report
progress every year. ``obligations`` says, for one organisation on a given day, what is due or overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from junkan.errors import InvalidInput

__all__ = ["CETarget", "Obligation", "Progress", "obligations", "progress_fraction", "validate_target"]

TARGET_GRACE = dt.timedelta(days=365)


@dataclass(frozen=True, slots=True)
class Progress:
    year: int
    value: Decimal
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CETarget:
    id: int | None
    org_id: int
    metric: str
    unit: str
    baseline_year: int
    baseline_value: Decimal
    target_year: int
    target_value: Decimal
    scope: str
    status: str = "draft"
    progress: tuple[Progress, ...] = ()


def validate_target(t: CETarget) -> CETarget:
    if not t.metric.strip():
        raise InvalidInput(
            "metric is empty; say what is measured, e.g. 'recycled plastic share'",
            code="required",
            field="metric",
        )
    if not t.unit.strip():
        raise InvalidInput("unit is empty; e.g. '%', 't/yr'", code="required", field="unit")
    if not 1990 <= t.baseline_year <= 2100:
        raise InvalidInput(
            "baseline_year must be a calendar year between 1990 and 2100", code="range", field="baseline_year"
        )
    if t.target_year <= t.baseline_year:
        raise InvalidInput(
            f"target_year ({t.target_year}) must come after baseline_year ({t.baseline_year})",
            code="target_before_baseline",
            field="target_year",
        )
    if t.target_year > 2100:
        raise InvalidInput("target_year must be 2100 or earlier", code="range", field="target_year")
    if t.unit.strip() == "%":
        for name, v in (("baseline_value", t.baseline_value), ("target_value", t.target_value)):
            if not Decimal(0) <= v <= Decimal(100):
                raise InvalidInput(
                    f"{name} is a percentage and must be within 0–100", code="range", field=name
                )
    return t


def progress_fraction(t: CETarget, value: Decimal) -> Decimal | None:
    """Share of the way from baseline to target reached by ``value`` (None when target = baseline)."""
    span = t.target_value - t.baseline_value
    if span == 0:
        return None
    return (value - t.baseline_value) / span


@dataclass(frozen=True, slots=True)
class Obligation:
    """One thing an organisation owes the partnership: a target, or a yearly progress report."""

    kind: str  # "declare_target" | "report_progress"
    due: dt.date
    overdue: bool
    target_id: int | None = None
    year: int | None = None


def obligations(
    *, membership_date: dt.date | None, targets: Sequence[CETarget], today: dt.date
) -> list[Obligation]:
    """What is due: a declared target within a year of joining; each declared target's progress for
    every completed year since it was declared, due by the end of June of the following year."""
    out: list[Obligation] = []
    if membership_date is None:
        return out
    declared = [t for t in targets if t.status == "declared"]
    if not declared:
        due = membership_date + TARGET_GRACE
        out.append(Obligation(kind="declare_target", due=due, overdue=today > due))
        return out
    for t in declared:
        reported = {p.year for p in t.progress}
        first = max(t.baseline_year + 1, membership_date.year)
        for year in range(first, min(today.year, t.target_year + 1)):
            if year in reported:
                continue
            due = dt.date(year + 1, 6, 30)
            out.append(
                Obligation(kind="report_progress", due=due, overdue=today > due, target_id=t.id, year=year)
            )
    return out
