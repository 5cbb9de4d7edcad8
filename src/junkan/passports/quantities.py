"""Quantities in passports: masses as exact ``Decimal`` kilograms, shares as ``Decimal`` fractions in [0, 1].

Mass is converted once, at the edge, from an explicit unit string to kilograms; the domain never mixes
units and never uses binary floats for mass (a mass balance must add up exactly). The pound is the
international avoirdupois pound, defined as exactly 0.453 592 37 kg (International Yard and Pound
Agreement, 1959).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Final

from junkan.errors import InvalidInput

__all__ = [
    "MASS_UNITS",
    "ONE",
    "ZERO",
    "parse_decimal",
    "parse_share",
    "to_kg",
]

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)

#: Accepted mass units and their exact factor to kilograms (UN/CEFACT Rec. 20 codes accepted as aliases).
MASS_UNITS: Final[dict[str, Decimal]] = {
    "kg": Decimal(1),
    "KGM": Decimal(1),
    "g": Decimal("0.001"),
    "GRM": Decimal("0.001"),
    "mg": Decimal("0.000001"),
    "MGM": Decimal("0.000001"),
    "t": Decimal(1000),
    "TNE": Decimal(1000),
    "lb": Decimal("0.45359237"),
    "LBR": Decimal("0.45359237"),
}


def parse_decimal(value: object, *, field: str) -> Decimal:
    """Read a number given as ``Decimal``, ``int``, ``str`` or ``float`` (via its shortest repr) exactly."""
    if isinstance(value, bool):
        raise InvalidInput(
            f"expected a number, got {value!r}; write it as a number such as 1.5",
            code="not_a_number",
            field=field,
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        # repr() is the shortest round-tripping string: 0.1 becomes Decimal("0.1"), not 0.1000000000000000055…
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", "")) if value.strip() else Decimal("NaN")
        except InvalidOperation:
            result = Decimal("NaN")
    else:
        result = Decimal("NaN")
    if not result.is_finite():
        raise InvalidInput(
            f"{value!r} is not a number; write a plain decimal number such as 0.25 or 1200",
            code="not_a_number",
            field=field,
        )
    return result


def to_kg(value: object, unit: str, *, field: str) -> Decimal:
    """Convert a mass in ``unit`` to kilograms exactly; refuse unknown units and non-positive masses."""
    factor = MASS_UNITS.get(unit.strip()) if isinstance(unit, str) else None
    if factor is None:
        raise InvalidInput(
            f"unknown mass unit {unit!r}; use one of kg, g, mg, t or lb",
            code="unknown_unit",
            field=field,
        )
    amount = parse_decimal(value, field=field)
    if amount <= 0:
        raise InvalidInput(
            f"mass must be greater than zero, got {amount} {unit}; enter the measured mass of the part",
            code="mass_not_positive",
            field=field,
        )
    return amount * factor


def parse_share(value: object, *, field: str, percent: bool = False) -> Decimal:
    """Read a share as a fraction in [0, 1]; with ``percent=True`` the input is in % (0-100)."""
    share = parse_decimal(value, field=field)
    if percent:
        share = share / 100
    if share < 0 or share > 1:
        shown = f"{share * 100}%" if not percent else f"{value}%"
        raise InvalidInput(
            f"a share must be between 0 and 1 (0-100 %), got {shown}; give a fraction, e.g. 0.3 for 30 %",
            code="share_out_of_range",
            field=field,
        )
    return share
