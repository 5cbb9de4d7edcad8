import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from junkan.errors import RowError
from junkan.trace.demo_data import demo_events
from junkan.trace.model import Event, fingerprint
from junkan.trace.untp_dte import Issuer, event_to_dte, parse_dte, to_dte_credential
from tests.unit.trace.trace_factories import make_event, make_line

SCHEMA_PATH = Path(__file__).parents[4] / "shared" / "data" / "untp" / "untp-dte-schema.json"
ISSUER = Issuer("did:web:junkan.example:orgs:pet_sorter", "PET sorter K.K.")


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def export(events):
    return to_dte_credential(
        events,
        issuer=ISSUER,
        credential_id="https://junkan.example/credentials/dte-1",
        valid_from=datetime(2026, 4, 1, tzinfo=UTC),
    )


def test_demo_year_exports_as_a_valid_dte(validator):
    events = list(demo_events())
    credential = export(events)
    errors = sorted(validator.iter_errors(credential), key=str)
    assert errors == []
    types = {tuple(e["type"]) for e in credential["credentialSubject"]}
    assert types == {
        ("TransformationEvent", "Event"),
        ("TransactionEvent", "Event"),
        ("ObjectEvent", "Event"),
    }


def test_the_validator_does_catch_a_broken_export(validator):
    credential = export([make_event("collect", id="c", outputs=(make_line("L", 10),))])
    broken = copy.deepcopy(credential)
    broken["credentialSubject"][0]["quantityList"][0]["quantity"] = "ten"
    assert list(validator.iter_errors(broken))
    del broken["issuer"]
    assert len(list(validator.iter_errors(broken))) >= 2


def test_round_trip_keeps_every_event_identical():
    events = list(demo_events())
    parsed = list(parse_dte(export(events)))
    assert all(isinstance(e, Event) for e in parsed)
    assert [fingerprint(e) for e in parsed] == [fingerprint(e) for e in events]  # type: ignore[arg-type]


def test_shipment_parties_and_manifest_are_exported():
    events = list(demo_events())
    ship = next(e for e in events if e.kind == "ship")
    out = event_to_dte(ship)
    assert out["sourceParty"].endswith("/orgs/city") and out["destinationParty"].endswith("/orgs/pet_sorter")
    dispose = next(e for e in events if e.kind == "dispose")
    assert event_to_dte(dispose)["junkan"]["documents"][0]["type"] == "jp_manifest"


def test_broken_events_become_row_errors():
    credential = export([make_event("collect", id="c", outputs=(make_line("L", 10),))])
    good = credential["credentialSubject"][0]
    bad_qty = copy.deepcopy(good)
    bad_qty["quantityList"][0]["quantity"] = "ten"
    missing = {k: v for k, v in good.items() if k != "eventTime"}
    credential["credentialSubject"] = [good, bad_qty, missing]
    items = list(parse_dte(credential))
    assert isinstance(items[0], Event)
    assert items[1] == RowError(
        2, "credentialSubject[1].quantityList[0].quantity", "not_a_number", items[1].message
    )
    assert isinstance(items[2], RowError) and items[2].code == "malformed_event"
