"""Exports: UNTP DPP credential against the official schema, AAS JSON/AASX round trips."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from basyx.aas import model
from basyx.aas.adapter import aasx
from basyx.aas.adapter.json import read_aas_json_file
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator, FormatChecker

from junkan.errors import RuleViolation
from junkan.passports.aas import to_aas_json, to_aasx
from junkan.passports.composition import rollup
from junkan.passports.demo_data import demo_passports
from junkan.passports.model import Audience
from junkan.passports.untp import to_untp_credential
from tests.unit.passports.passports_factories import bom_graphs, make_passport

SCHEMA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "untp" / "untp-dpp-schema.json"
BASE = "https://demo.junkan.example"


@cache
def _validator() -> Draft202012Validator:
    checker = FormatChecker()

    # No rfc3987 package here, so check "uri" ourselves: an absolute URI with a scheme (RFC 3986 §4.3).
    @checker.checks("uri")
    def _uri(value: object) -> bool:
        return not isinstance(value, str) or (bool(urlsplit(value).scheme) and " " not in value)

    @checker.checks("date")
    def _date(value: object) -> bool:
        return not isinstance(value, str) or bool(date.fromisoformat(value))

    @checker.checks("date-time")
    def _datetime(value: object) -> bool:
        return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=checker)


def _export(passport: Any, world: Any, audience: Audience = Audience.PUBLIC) -> dict[str, Any]:
    return to_untp_credential(
        passport,
        world.get,
        issuer_did=f"did:web:demo.junkan.example:orgs:{passport.issuer}",
        issuer_name=passport.issuer,
        base_url=BASE,
        audience=audience,
    )


def _assert_valid(credential: dict[str, Any]) -> None:
    errors = [f"{e.json_path}: {e.message}" for e in _validator().iter_errors(credential)]
    assert errors == []
    json.dumps(credential)  # JSON-ready: no Decimal, no datetime


@pytest.mark.parametrize("audience", list(Audience))
def test_every_demo_passport_exports_a_valid_untp_credential(audience: Audience) -> None:
    world = demo_passports()
    for passport in world.values():
        _assert_valid(_export(passport, world, audience))


def test_the_validator_is_not_toothless() -> None:
    world = demo_passports()
    credential = _export(world["demo-pet-bottle-500"], world)
    credential["credentialSubject"]["granularityLevel"] = "pallet"
    credential["issuer"]["id"] = "not a uri"
    assert len(list(_validator().iter_errors(credential))) == 2


def test_untp_mapping_of_recycled_content_carbon_and_claims() -> None:
    world = demo_passports()
    battery = world["demo-ev-battery-75kwh-000123"]
    credential = _export(battery, world, Audience.PARTNERS)
    subject = credential["credentialSubject"]
    assert credential["validFrom"] == "2025-04-01T00:00:00Z"
    assert subject["product"]["id"] == "https://id.gs1.org/01/09520000000301/21/000123"  # check digit 1
    assert subject["product"]["serialNumber"] == "000123"
    assert subject["granularityLevel"] == "item"
    assert subject["circularityScorecard"]["recycledContent"] == float(
        rollup(battery, world.get).recycled_share
    )
    assert subject["emissionsScorecard"]["operationalScope"] == "CradleToGrave"
    assert subject["emissionsScorecard"]["declaredUnit"] == "KWH"
    cobalt = next(m for m in subject["materialsProvenance"] if m["name"].startswith("cobalt"))
    assert cobalt == {
        "type": ["Material"],
        "name": "cobalt in cathode active material",
        "hazardous": False,
        "recycledMassFraction": 0.18,
        "mass": {"value": 4, "unit": "KGM"},
        "massFraction": 4 / 304,
        "originCountry": "CD",
    }
    claims = {c["id"].rsplit("#", 1)[1]: c for c in subject["conformityClaim"]}
    content = claims["recycled-content"]["declaredValue"]
    assert {"metricName": "recycled content of cobalt", "metricValue": {"value": 18, "unit": "P1"}} in content
    art8 = claims["claim-0"]
    assert art8["referenceRegulation"]["administeredBy"]["name"] == "European Commission"
    assert art8["conformityEvidence"]["hashMethod"] == "SHA-256"
    assert len(art8["conformityEvidence"]["hashDigest"]) == 64


def test_public_credential_leaves_out_partner_only_quantities() -> None:
    world = demo_passports()
    subject = _export(world["demo-washing-machine-8kg"], world)["credentialSubject"]
    assert "dimensions" not in subject["product"]
    assert all("mass" not in m and "massFraction" not in m for m in subject["materialsProvenance"])
    assert subject["circularityScorecard"]["recycledContent"] > 0


def test_exporting_a_draft_is_refused() -> None:
    draft = make_passport()
    with pytest.raises(RuleViolation) as err:
        _export(draft, {})
    assert err.value.code == "passport_not_published"
    with pytest.raises(RuleViolation):
        to_aasx(draft, {}.get, base_url=BASE)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bom_graphs(published=True))
def test_any_passport_exports_a_valid_untp_credential(graph: Any) -> None:
    root = list(graph.values())[-1]
    for audience in (Audience.PUBLIC, Audience.OWNER):
        _assert_valid(_export(root, graph, audience))


def _values(store: model.DictIdentifiableStore[model.Identifiable], id_short: str) -> dict[str, Any]:
    submodel = next(o for o in store if isinstance(o, model.Submodel) and o.id_short == id_short)
    return {e.id_short: getattr(e, "value", None) for e in submodel.submodel_element}


def test_aas_json_and_aasx_round_trip_through_basyx() -> None:
    world = demo_passports()
    machine = world["demo-washing-machine-8kg"]
    text = to_aas_json(machine, world.get, base_url=BASE, audience=Audience.OWNER)
    from_json = read_aas_json_file(io.StringIO(text), failsafe=False)

    package = to_aasx(machine, world.get, base_url=BASE, audience=Audience.OWNER)
    from_aasx: model.DictIdentifiableStore[model.Identifiable] = model.DictIdentifiableStore()
    with aasx.AASXReader(io.BytesIO(package), failsafe=False) as reader:
        ids = reader.read_into(from_aasx, aasx.DictSupplementaryFileContainer())
    assert len(ids) == 5  # the shell and four submodels

    for store in (from_json, from_aasx):
        shell = next(o for o in store if isinstance(o, model.AssetAdministrationShell))
        assert shell.asset_information.global_asset_id == "https://id.gs1.org/01/09520000000202"
        assert shell.asset_information.asset_kind is model.AssetKind.TYPE
        assert len(shell.submodel) == 4
        nameplate = _values(store, "Nameplate")
        assert nameplate["GTIN"] == "09520000000202"
        assert nameplate["ManufacturerName"] == "Demo Appliance Co."
        composition = _values(store, "MaterialComposition")
        assert composition["TotalMass_kg"] == Decimal("30.3")
        by_class = {
            next(e.value for e in c.value if e.id_short == "MaterialClass"): c
            for c in composition["RecycledContentByClass"]
        }
        pp = {e.id_short: e.value for e in by_class["PP"].value}
        assert pp["RecycledContent"] == Decimal("0.3475")
        carbon = next(iter(_values(store, "CarbonFootprint")["ProductCarbonFootprint"]))
        assert carbon is not None
        pcf = {e.id_short: e.value for e in _values(store, "CarbonFootprint")["ProductCarbonFootprint"]}
        assert pcf["PCFCO2eq"] == Decimal("180")
        assert pcf["PCFLifeCyclePhase"] == "cradle_to_gate"


def test_public_aas_has_no_masses() -> None:
    world = demo_passports()
    text = to_aas_json(world["demo-washing-machine-8kg"], world.get, base_url=BASE)
    assert "TotalMass_kg" not in text and "Mass_kg" not in text
    assert "RecycledContent" in text
