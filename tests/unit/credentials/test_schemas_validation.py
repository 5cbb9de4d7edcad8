"""junkan.schemas: JSON Schema 2020-12 validation with paths, formats and a text rendering."""

from __future__ import annotations

from typing import Any

import pytest

from junkan.errors import InvalidInput
from junkan.schemas import json_path, render_problems, validate_against_schema

PASSPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "issued", "materials"],
    "properties": {
        "id": {"type": "string", "format": "uri"},
        "issued": {"type": "string", "format": "date-time"},
        "contact": {"type": "string", "format": "email"},
        "materials": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "massFraction"],
                "properties": {
                    "name": {"type": "string"},
                    "cas": {"type": "string", "pattern": r"^\d{2,7}-\d{2}-\d$"},
                    "massFraction": {"type": "string", "pattern": r"^(0(\.\d+)?|1(\.0+)?)$"},
                },
            },
        },
        "recycled content": {
            "oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "format": "uri"}]
        },
    },
    "unevaluatedProperties": False,
}


def make_passport(**overrides: Any) -> dict[str, Any]:
    passport: dict[str, Any] = {
        "id": "https://id.gs1.org/01/04912345678904",
        "issued": "2025-04-01T09:00:00+09:00",
        "materials": [{"name": "PET", "cas": "25038-59-9", "massFraction": "0.92"}],
    }
    passport.update(overrides)
    return passport


def test_valid_document_has_no_problems() -> None:
    assert validate_against_schema(make_passport(), PASSPORT_SCHEMA) == []
    assert render_problems([], source="p.json") == "p.json: valid"


def test_problems_carry_json_paths_sorted_and_rendered() -> None:
    passport = make_passport(
        materials=[
            {"name": "PET", "massFraction": "0.92"},
            {"name": "PP", "cas": "9003-07", "massFraction": "1.5"},
        ],
        extra=True,
    )
    del passport["issued"]
    problems = validate_against_schema(passport, PASSPORT_SCHEMA)
    assert [(p.path, p.keyword) for p in problems] == [
        ("$", "required"),
        ("$", "unevaluatedProperties"),
        ("$.materials[1].cas", "pattern"),
        ("$.materials[1].massFraction", "pattern"),
    ]
    assert "'issued' is a required property" in problems[0].message
    assert problems[2].field == "materials[1].cas"
    assert problems[2].schema_path == "properties/materials/items/properties/cas/pattern"
    text = render_problems(problems, source="p.json")
    assert text.splitlines()[2].startswith("p.json: $.materials[1].cas: '9003-07' does not match")
    assert text.endswith("p.json: 4 problems")


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("issued", "2025-04-01T09:00:00Z", True),
        ("issued", "2016-12-31T23:59:60Z", True),  # RFC 3339 §5.7 leap second
        ("issued", "2025-04-31T09:00:00Z", False),  # no 31 April
        ("issued", "2025-04-01 09:00:00Z", False),  # RFC 3339 date-time needs T
        ("issued", "2025-04-01T09:00:00", False),  # and an offset
        ("issued", "2025-04-01T25:00:00Z", False),
        ("id", "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33", True),
        ("id", "https://example.jp/a%20b", True),
        ("id", "/relative/path", False),  # a uri needs a scheme (RFC 3986 §3)
        ("id", "https://example.jp/a b", False),
        ("id", "https://example.jp/%zz", False),
        ("contact", "info@example.jp", True),
        ("contact", "not an email", False),
    ],
)
def test_formats_are_asserted(field: str, value: str, ok: bool) -> None:
    problems = validate_against_schema(make_passport(**{field: value}), PASSPORT_SCHEMA)
    assert (problems == []) is ok
    if not ok:
        assert problems[0].keyword == "format" and problems[0].path == f"$.{field}"


def test_one_of_names_the_closest_alternative_and_odd_names_are_quoted() -> None:
    problems = validate_against_schema(make_passport(**{"recycled content": -3}), PASSPORT_SCHEMA)
    assert len(problems) == 1
    assert problems[0].path == "$['recycled content']"
    assert "closest alternative" in problems[0].message and "minimum" in problems[0].message


def test_invalid_schema_is_an_input_error_not_a_list_of_problems() -> None:
    with pytest.raises(InvalidInput) as err:
        validate_against_schema({}, {"type": "no-such-type"})
    assert err.value.code == "schema_invalid"


def test_json_path_rendering() -> None:
    assert json_path([]) == "$"
    assert json_path(["materials", 2, "cas"]) == "$.materials[2].cas"
    assert json_path(["@context", 0]) == "$['@context'][0]"
    assert json_path(["it's"]) == "$['it\\'s']"
