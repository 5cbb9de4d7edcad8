"""JSON Canonicalization Scheme (JCS, RFC 8785): one byte string per JSON value, for hashing and signing.

The same canonical form backs Data Integrity proofs (``eddsa-jcs-2022``), compact JWS payloads and the
hash-chained trace ledger, so two parties who hold equal JSON data always hash equal bytes.

Implemented here rather than taken from PyPI: the scheme is ~100 lines, we need exact control over what
is *refused* (binary floats are allowed by the RFC but our quantities should be strings or integers;
``Decimal`` must not silently become a float), and the whole platform hashes with it, so it stays
dependency-free and is checked against the RFC's own examples in the tests.

Rules (RFC 8785 §3.2):
- objects: members sorted by the UTF-16 code units of their names (§3.2.3), no whitespace;
- strings: ECMAScript ``JSON.stringify`` escaping: ``\\"``, ``\\\\``, ``\\b \\f \\n \\r \\t``, other
  controls as ``\\u00xx`` (lower-case hex), everything else literal UTF-8; lone surrogates are an error
  (§3.2.2.2);
- numbers: ECMAScript ``Number.prototype.toString`` of the IEEE-754 double (§3.2.2.3); an integer beyond
  ±2^53 whose canonical text would read back as another number is refused, never rounded (keep such
  values as strings);
- ``true``/``false``/``null`` literal.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from junkan.errors import InvalidInput

__all__ = ["MAX_SAFE_INTEGER", "canonicalize", "format_number"]

MAX_SAFE_INTEGER = 2**53 - 1
"""Largest integer a double (and hence every JCS implementation) represents exactly (ECMAScript §21.1.2.6)."""

_escape_string = json.JSONEncoder(ensure_ascii=False).encode


def format_number(value: int | float, *, path: str = "$") -> str:
    """Serialise a number exactly as ECMAScript ``Number.prototype.toString`` does (RFC 8785 §3.2.2.3)."""
    if isinstance(value, bool):  # pragma: no cover - guarded by the caller
        raise TypeError("bool is not a number")
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return str(value)
        # Beyond 2^53 a JSON number means the nearest double. Accept an integer only when the double's
        # ECMAScript text reads back as the very same integer (e.g. a large float that a JSON parser
        # returned as an int); refuse the rest rather than sign text that says a different number.
        try:
            text = format_number(float(value), path=path)
        except OverflowError:
            text = ""
        if text == str(value):
            return text
        raise InvalidInput(
            f"the integer {value} is not exactly representable as a JSON (IEEE-754 double) number; "
            "send it as a string",
            code="jcs_integer_out_of_range",
            field=path,
        )
    if not math.isfinite(value):
        raise InvalidInput(
            f"{value!r} is not a JSON number; send a finite number or a string",
            code="jcs_non_finite_number",
            field=path,
        )
    if value == 0:
        return "0"  # also -0.0 (ECMAScript: "-0".toString() is "0")
    # Python's repr is the shortest string that round-trips, the same digit string ECMAScript picks
    # (Number::toString steps 5-6); only the layout differs, which the branches below reproduce.
    sign = "-" if value < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    assert isinstance(exponent, int)
    exponent += len(digit_tuple) - len(digits)
    k = len(digits)
    n = k + exponent  # the decimal point sits after the n-th digit
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        body = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + body


def _string(value: str, path: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(
            "the text contains a lone UTF-16 surrogate, which JSON canonicalization refuses "
            "(RFC 8785 §3.2.2.2); remove it or replace it with the character it was meant to be",
            code="jcs_lone_surrogate",
            field=path,
        ) from None
    return _escape_string(value)


def _utf16_key(name: str) -> bytes:
    # Big-endian UTF-16 bytes compare exactly like sequences of UTF-16 code units (RFC 8785 §3.2.3).
    return name.encode("utf-16-be", "surrogatepass")


def _emit(value: Any, path: str, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value, path))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        out.append(format_number(value, path=path))
    elif isinstance(value, Mapping):
        for name in value:
            if not isinstance(name, str):
                raise InvalidInput(
                    f"object member names must be strings, got {type(name).__name__} {name!r}",
                    code="jcs_non_string_key",
                    field=path,
                )
        out.append("{")
        first = True
        for name in sorted(value, key=_utf16_key):
            if not first:
                out.append(",")
            first = False
            out.append(_string(name, path))
            out.append(":")
            _emit(value[name], f"{path}.{name}", out)
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _emit(item, f"{path}[{index}]", out)
        out.append("]")
    else:
        hint = ' (keep quantities as strings, e.g. "12.5")' if isinstance(value, Decimal) else ""
        raise InvalidInput(
            f"{type(value).__name__} is not a JSON value{hint}",
            code="jcs_unsupported_type",
            field=path,
        )


_fast_dumps = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
).encode


def _plain(value: Any) -> bool:
    """True when the C ``json`` encoder already yields the JCS form: no floats, safe integers, ASCII keys.

    With only ASCII member names, code-point order (what ``sort_keys`` does) equals UTF-16 order, and
    integers in ±2^53 print the same in Python and ECMAScript; anything else takes the exact path.
    """
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return True
    if kind is int:
        return bool(-MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER)
    if kind is dict:
        for name, item in value.items():
            if type(name) is not str or not name.isascii() or not _plain(item):
                return False
        return True
    if kind is list:
        return all(map(_plain, value))
    return False


def canonicalize(value: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON value (dict, list, str, int, float, bool, None).

    Raises ``InvalidInput`` (with ``field`` set to a JSON path such as ``$.materials[2].mass``) for values
    JSON cannot carry exactly: ``Decimal``, bytes, non-finite floats, integers a double cannot hold, lone
    surrogates, non-string member names.
    """
    try:
        if _plain(value):
            try:
                return _fast_dumps(value).encode("utf-8")
            except UnicodeEncodeError:
                pass  # a lone surrogate: let the exact path report where
        out: list[str] = []
        _emit(value, "$", out)
        return "".join(out).encode("utf-8")
    except RecursionError:
        # Untrusted input (a credential pasted into the verifier) must get an answer, not a crash.
        raise InvalidInput(
            "the JSON is nested too deeply to canonicalize; no real credential nests hundreds of levels",
            code="jcs_too_deep",
            field="$",
        ) from None
