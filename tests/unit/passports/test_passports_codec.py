"""Reading passports from dicts: units, bad input and its messages, round trips."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from junkan.errors import InvalidInput
from junkan.passports.codec import passport_from_dict, passport_to_dict
from junkan.passports.demo_data import demo_passports
from tests.unit.passports.passports_factories import make_material, make_passport, make_passport_dict


def _errors(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as err:
        passport_from_dict(data)
    return {e.field: e.code for e in err.value.errors}


def _with_materials(*materials: dict[str, Any]) -> dict[str, Any]:
    return make_passport_dict(composition={"materials": list(materials)})


@pytest.mark.parametrize(
    ("mass", "unit", "kg"),
    [
        ("24", "g", Decimal("0.024")),
        ("1.5", "t", Decimal("1500")),
        ("250", "mg", Decimal("0.000250")),
        ("1", "lb", Decimal("0.45359237")),  # exact by the 1959 international pound
        (2, "kg", Decimal(2)),
        (0.1, "kg", Decimal("0.1")),  # a float is read by its shortest repr, not its binary value
    ],
)
def test_masses_convert_exactly_to_kg(mass: object, unit: str, kg: Decimal) -> None:
    p = passport_from_dict(_with_materials(make_material(mass_kg=None, mass=mass, unit=unit)))
    assert p.composition.materials[0].mass_kg == kg


def test_unknown_unit_names_the_field_and_the_accepted_units() -> None:
    with pytest.raises(InvalidInput) as err:
        passport_from_dict(_with_materials(make_material(mass_kg=None, mass="3", unit="oz")))
    (e,) = err.value.errors
    assert (e.field, e.code) == ("composition.materials[0].mass", "unknown_unit")
    assert "kg, g, mg, t or lb" in e.message


@pytest.mark.parametrize("mass", ["0", "-1"])
def test_zero_or_negative_mass_is_refused(mass: str) -> None:
    assert _errors(_with_materials(make_material(mass_kg=mass))) == {
        "composition.materials[0].mass_kg": "mass_not_positive"
    }


def test_recycled_pre_plus_post_over_100_percent() -> None:
    errors = _errors(
        _with_materials(make_material(recycled_pre_consumer="0.6", recycled_post_consumer="0.5"))
    )
    assert errors == {"composition.materials[0].recycled_post_consumer": "recycled_share_over_100"}


def test_mass_fractions_must_add_up_within_half_a_percent() -> None:
    ok = _with_materials(
        make_material(mass_kg="0.6", mass_fraction="0.598"),
        make_material(mass_kg="0.4", mass_fraction="0.398"),
    )  # Σ = 0.996, within ±0.005
    assert passport_from_dict(ok).composition.materials[0].mass_fraction == Decimal("0.598")
    bad = _with_materials(
        make_material(mass_kg="0.6", mass_fraction="0.60"), make_material(mass_kg="0.4", mass_fraction="0.39")
    )  # Σ = 0.99
    assert _errors(bad) == {"composition.materials": "mass_fractions_sum"}
    mismatch = _with_materials(
        make_material(mass_kg="0.5", mass_fraction="0.6"), make_material(mass_kg="0.5", mass_fraction="0.4")
    )
    assert _errors(mismatch)["composition.materials[0].mass_fraction"] == "mass_fraction_mismatch"


def test_check_digits_and_every_error_reported_at_once() -> None:
    data = make_passport_dict()
    data["identity"]["gtin"] = "09520123456789"
    data["composition"] = {
        "materials": [make_material(cas="7732-18-4"), make_material(mass_kg="-2", origin_country="ZZ")]
    }
    errors = _errors(data)
    assert errors == {
        "identity.gtin": "gtin_check_digit",
        "composition.materials[0].cas": "cas_check_digit",
        "composition.materials[1].mass_kg": "mass_not_positive",
        "composition.materials[1].origin_country": "country_code",
    }


def test_self_reference_and_batch_without_lot() -> None:
    data = make_passport_dict(level="batch")
    data["composition"]["components"] = [{"passport_id": "p-1", "quantity": "1"}]
    errors = _errors(data)
    assert errors["composition.components[0].passport_id"] == "component_cycle"
    assert errors["identity.lot"] == "lot_required"


def test_claim_evidence_needs_a_sha256() -> None:
    data = make_passport_dict(
        claims=[{"topic": "circularity.content", "description": "x", "standard": "ISO 14021",
                 "evidence_url": "https://e.example/x.pdf", "evidence_sha256": "abc"}]
    )  # fmt: skip
    assert _errors(data) == {"claims[0].evidence_sha256": "sha256"}


def test_round_trip_of_every_demo_passport() -> None:
    for passport in demo_passports().values():
        assert passport_from_dict(passport_to_dict(passport)) == passport


def test_issuer_may_be_an_int_and_is_stored_as_text() -> None:
    assert make_passport(issuer=42).issuer == "42"
