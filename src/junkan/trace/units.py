"""Quantities and their conversion to kilograms (Decimal), the only mass unit the domain computes with.

Mass units are converted exactly (t, kg, g and their UNECE Rec 20 codes TNE, KGM, GRM); count units
(pieces, units: H87, C62) become mass only when the unit mass of the item is known, otherwise the caller
gets an ``InvalidInput`` that says to declare it. Units are never mixed: every sum is taken in kg.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from junkan.errors import InvalidInput

__all__ = [
    "COUNT_UNITS",
    "MASS_UNITS",
    "Quantity",
    "grams",
    "kg_from_grams",
    "normalise_decimal",
    "parse_decimal",
    "to_kg",
    "uom_code",
]

# Factor to kilograms; the UNECE Rec 20 codes are what UNTP/EPCIS documents carry in `uom`.
MASS_UNITS: dict[str, Decimal] = {
    "kg": Decimal(1),
    "KGM": Decimal(1),
    "t": Decimal(1000),
    "TNE": Decimal(1000),
    "g": Decimal("0.001"),
    "GRM": Decimal("0.001"),
}
COUNT_UNITS: frozenset[str] = frozenset({"pcs", "unit", "H87", "C62"})
_UOM = {"kg": "KGM", "KGM": "KGM", "t": "TNE", "TNE": "TNE", "g": "GRM", "GRM": "GRM"}


def parse_decimal(value: object, *, field: str) -> Decimal:
    """Read a decimal from text or a number without passing through binary floats when given text."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise InvalidInput(
            f"{value!r} is not a number; give a decimal such as 12.5", code="not_a_number", field=field
        )
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            raise InvalidInput(
                f"{value!r} is not a number; give a decimal such as 12.5 (a dot as decimal separator)",
                code="not_a_number",
                field=field,
            ) from None
    else:
        raise InvalidInput(
            f"{value!r} is not a number; give a decimal such as 12.5", code="not_a_number", field=field
        )
    if not result.is_finite():
        raise InvalidInput(
            "the number must be finite; give a decimal such as 12.5", code="not_a_number", field=field
        )
    return result


def normalise_decimal(value: Decimal) -> str:
    """Canonical text of a decimal: no exponent, no trailing zeros (``1.500`` and ``1.5`` are equal)."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


@dataclass(frozen=True, slots=True)
class Quantity:
    """An amount with its explicit unit, as the source document gave it."""

    value: Decimal
    unit: str

    def kg(self, *, unit_mass_kg: Decimal | None = None, field: str = "quantity") -> Decimal:
        return to_kg(self.value, self.unit, unit_mass_kg=unit_mass_kg, field=field)


def to_kg(
    value: Decimal, unit: str, *, unit_mass_kg: Decimal | None = None, field: str = "quantity"
) -> Decimal:
    """Convert ``value`` in ``unit`` to kilograms; count units need ``unit_mass_kg``."""
    if value < 0:
        raise InvalidInput(
            f"quantity {value} is negative; record removals as input lines, never as negative quantities",
            code="negative_quantity",
            field=field,
        )
    factor = MASS_UNITS.get(unit)
    if factor is not None:
        return value * factor
    if unit in COUNT_UNITS:
        if unit_mass_kg is None or unit_mass_kg <= 0:
            raise InvalidInput(
                f"a quantity in '{unit}' (a count) can only be converted to mass with a known unit mass; "
                "declare unit_mass_kg for the lot or give the quantity in kg",
                code="unit_mass_unknown",
                field=field,
            )
        return value * unit_mass_kg
    raise InvalidInput(
        f"unknown unit '{unit}'; use one of kg, t, g (or KGM, TNE, GRM) or a count unit (pcs, H87, C62) "
        "with a unit mass",
        code="unknown_unit",
        field=field,
    )


def uom_code(unit: str) -> str:
    """The UNECE Rec 20 code for a unit (count units map to H87, 'piece')."""
    if unit in _UOM:
        return _UOM[unit]
    if unit in COUNT_UNITS:
        return unit if unit in {"H87", "C62"} else "H87"
    raise InvalidInput(f"unknown unit '{unit}'; use kg, t, g or pcs", code="unknown_unit", field="unit")


def grams(kg: Decimal, *, rounding: str = ROUND_HALF_EVEN) -> int:
    """Kilograms to integer grams (the custody ledger's exact unit); ``rounding`` is a decimal mode."""
    return int((kg * 1000).quantize(Decimal(1), rounding=rounding))


def kg_from_grams(g: int) -> Decimal:
    return Decimal(g) / 1000
