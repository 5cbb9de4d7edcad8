"""RFC 8785 canonicalization checked against the RFC's own examples."""

from __future__ import annotations

import json
import struct
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from junkan.credentials.jcs import _emit, canonicalize, format_number
from junkan.errors import InvalidInput


def test_rfc8785_section_3_2_2_sample() -> None:
    # RFC 8785 §3.2.2 input and §3.2.3 / Appendix output (escaping, numbers, literals, ordering).
    value = json.loads(
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonicalize(value) == expected.encode("utf-8")


def test_rfc8785_section_3_2_3_sorts_by_utf16_code_units() -> None:
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    names = list(json.loads(canonicalize(value)))
    # Code-point order would put U+1F600 last; UTF-16 code units (0xD83D…) put it before U+FB33.
    assert names == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


@pytest.mark.parametrize(
    ("ieee_hex", "expected"),
    [
        # RFC 8785 Appendix B, "Number Serialization Samples".
        ("0000000000000000", "0"),
        ("8000000000000000", "0"),
        ("0000000000000001", "5e-324"),
        ("8000000000000001", "-5e-324"),
        ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("ffefffffffffffff", "-1.7976931348623157e+308"),
        ("4340000000000000", "9007199254740992"),
        ("c340000000000000", "-9007199254740992"),
        ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"),
        ("44b52d02c7e14af6", "1e+23"),
        ("44b52d02c7e14af7", "1.0000000000000001e+23"),
        ("444b1ae4d6e2ef4e", "999999999999999700000"),
        ("444b1ae4d6e2ef4f", "999999999999999900000"),
        ("444b1ae4d6e2ef50", "1e+21"),
        ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
        ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("41b3de4355555553", "333333333.3333332"),
        ("41b3de4355555554", "333333333.33333325"),
        ("41b3de4355555555", "333333333.3333333"),
        ("41b3de4355555556", "333333333.3333334"),
        ("41b3de4355555557", "333333333.33333343"),
        ("becbf647612f3696", "-0.0000033333333333333333"),
        ("43143ff3c1cb0959", "1424953923781206.2"),
    ],
)
def test_rfc8785_appendix_b_numbers(ieee_hex: str, expected: str) -> None:
    (value,) = struct.unpack(">d", bytes.fromhex(ieee_hex))
    assert format_number(value) == expected


def test_integers_stay_exact_and_large_ones_are_refused() -> None:
    assert canonicalize([0, -1, 2**53 - 1]) == b"[0,-1,9007199254740991]"
    # A large integer that a JSON parser produced from a double's text is accepted as that text ...
    assert canonicalize(55216623022595170) == b"55216623022595170"
    # ... but one whose text would change (2^53+1 -> ...992, 2^60 -> ...847000) is refused, not rounded.
    for too_precise in (2**53 + 1, 2**60, 10**400):
        with pytest.raises(InvalidInput) as err:
            canonicalize({"mass_g": [1, too_precise]})
        assert err.value.code == "jcs_integer_out_of_range"
        assert err.value.field == "$.mass_g[1]"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ({"mass": Decimal("1.5")}, "jcs_unsupported_type"),
        ({"x": float("nan")}, "jcs_non_finite_number"),
        ({"x": float("inf")}, "jcs_non_finite_number"),
        ({"x": "\ud800"}, "jcs_lone_surrogate"),
        ({1: "a"}, "jcs_non_string_key"),
        ({"x": b"bytes"}, "jcs_unsupported_type"),
    ],
)
def test_values_json_cannot_carry_exactly_are_refused(value: object, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        canonicalize(value)
    assert err.value.code == code


def test_control_characters_use_lowercase_unicode_escapes_and_others_stay_literal() -> None:
    assert canonicalize("\x1f\x7f\u2028é/") == '"\\u001f\x7f\u2028é/"'.encode()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


def _as_doubles(value: object) -> object:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        return {k: _as_doubles(v) for k, v in value.items()}
    assert isinstance(value, list)
    return [_as_doubles(v) for v in value]


@given(json_values)
def test_canonical_form_parses_back_to_the_same_value_and_is_a_fixed_point(value: object) -> None:
    text = canonicalize(value)
    parsed = json.loads(text)
    # JSON has one number type: compare numbers as doubles (an integral float comes back as an int).
    assert _as_doubles(parsed) == _as_doubles(value)
    assert canonicalize(parsed) == text


@given(json_values)
def test_fast_path_and_exact_path_agree(value: object) -> None:
    # canonicalize() hands plain values (no floats, ASCII names) to the C json encoder; the exact
    # RFC 8785 emitter must produce the same bytes for them.
    out: list[str] = []
    _emit(value, "$", out)
    assert canonicalize(value) == "".join(out).encode("utf-8")
