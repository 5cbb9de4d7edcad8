from decimal import Decimal

import pytest

from junkan.errors import InvalidInput
from junkan.trace.units import Quantity, grams, normalise_decimal, parse_decimal, to_kg, uom_code


@pytest.mark.parametrize(
    ("value", "unit", "kg"),
    [
        ("1.5", "t", "1500"),
        ("1.5", "TNE", "1500"),
        ("250", "g", "0.25"),
        ("12.3", "kg", "12.3"),
        ("0", "GRM", "0"),
    ],
)
def test_mass_units_convert_exactly_to_kg(value, unit, kg):
    assert to_kg(Decimal(value), unit) == Decimal(kg)


def test_count_units_need_a_unit_mass():
    assert Quantity(Decimal(4), "pcs").kg(unit_mass_kg=Decimal("35")) == Decimal(140)
    with pytest.raises(InvalidInput) as err:
        Quantity(Decimal(4), "pcs").kg(field="outputs[0].quantity")
    assert err.value.code == "unit_mass_unknown"
    assert err.value.field == "outputs[0].quantity"
    assert "unit_mass_kg" in err.value.message


def test_unknown_unit_and_negative_quantity_are_refused():
    with pytest.raises(InvalidInput, match="unknown unit") as err:
        to_kg(Decimal(1), "lb")
    assert err.value.code == "unknown_unit"
    with pytest.raises(InvalidInput) as err:
        to_kg(Decimal(-1), "kg")
    assert err.value.code == "negative_quantity"


def test_decimals_parse_without_binary_floats_and_normalise():
    assert parse_decimal("1,234.50", field="q") == Decimal("1234.50")
    assert normalise_decimal(Decimal("1.500")) == "1.5"
    assert normalise_decimal(Decimal("1E+3")) == "1000"
    assert grams(Decimal("1.2345")) == 1234  # half-even
    with pytest.raises(InvalidInput):
        parse_decimal("abc", field="q")
    with pytest.raises(InvalidInput):
        parse_decimal("NaN", field="q")


def test_uom_codes_follow_unece_rec_20():
    assert [uom_code(u) for u in ("kg", "t", "g", "pcs")] == ["KGM", "TNE", "GRM", "H87"]
