"""Region identifiers: municipality codes (全国地方公共団体コード), prefecture codes and partnership groups.

A municipality is identified by the six-digit local government code the Ministry of Internal Affairs and
Communications (総務省) assigns: two digits for the prefecture, three for the municipality, and one check
digit. The check digit rule (総務省「全国地方公共団体コード」の検査数字):

    s = 6*d1 + 5*d2 + 4*d3 + 3*d4 + 2*d5
    r = s mod 11
    check = last digit of (11 - r)       (r = 1 gives 10 -> 0; r = 0 gives 11 -> 1)

Verified against published codes: Sapporo 011002, Sapporo Chuo-ku 011011 (r = 0), Yokohama 141003,
Toyama 162019, Osaka 271004, Kobe 281000 (r = 1), Kitakyushu 401005, Naha 472018.

A prefecture is the two-digit code 01 (Hokkaido) ... 47 (Okinawa) (JIS X 0401); its six-digit form
(e.g. 010006) is accepted too. A user-defined group (広域連携, wide-area partnership) has an id
``group:<slug>`` and lists its member municipalities.
"""

from __future__ import annotations

import re
from enum import StrEnum

from junkan.errors import InvalidInput

__all__ = [
    "RegionKind",
    "check_digit",
    "is_valid_municipality_code",
    "kind_of",
    "validate_group_id",
    "validate_municipality_code",
    "validate_prefecture_code",
    "validate_region_id",
]

_WEIGHTS = (6, 5, 4, 3, 2)
_GROUP_RE = re.compile(r"^group:[a-z0-9][a-z0-9_-]{1,62}$")


class RegionKind(StrEnum):
    MUNICIPALITY = "municipality"
    PREFECTURE = "prefecture"
    GROUP = "group"


def check_digit(first_five: str) -> int:
    """The check digit for the first five digits of a local government code."""
    if len(first_five) != 5 or not first_five.isdigit():
        raise InvalidInput(
            f"{first_five!r} is not five digits; give the prefecture (2) and municipality (3) digits.",
            code="invalid_municipality_code",
            field="code",
        )
    s = sum(int(d) * w for d, w in zip(first_five, _WEIGHTS, strict=True))
    return (11 - s % 11) % 10


def is_valid_municipality_code(code: str) -> bool:
    try:
        validate_municipality_code(code)
    except InvalidInput:
        return False
    return True


def validate_prefecture_code(code: str, *, field: str = "prefecture_code") -> str:
    """Return the two-digit prefecture code (01-47) or raise InvalidInput."""
    c = code.strip()
    if len(c) == 6:
        c = validate_municipality_code(c, field=field)[:2]
    if len(c) != 2 or not c.isdigit() or not 1 <= int(c) <= 47:
        raise InvalidInput(
            f"{code!r} is not a prefecture code; use two digits 01 (Hokkaido) to 47 (Okinawa), JIS X 0401.",
            code="invalid_prefecture_code",
            field=field,
        )
    return c


def validate_municipality_code(code: str, *, field: str = "code") -> str:
    """Return the six-digit code if its format, prefecture and check digit are right, else raise."""
    c = code.strip()
    if len(c) == 5 and c.isdigit():
        raise InvalidInput(
            f"{code!r} has five digits: the check digit is missing; the full code is {c}{check_digit(c)}.",
            code="municipality_code_missing_check_digit",
            field=field,
        )
    if len(c) != 6 or not c.isdigit():
        raise InvalidInput(
            f"{code!r} is not a six-digit local government code (全国地方公共団体コード), e.g. 141003.",
            code="invalid_municipality_code",
            field=field,
        )
    if not 1 <= int(c[:2]) <= 47:
        raise InvalidInput(
            f"{code!r} starts with {c[:2]}, which is no prefecture (01-47).",
            code="invalid_municipality_code",
            field=field,
        )
    expected = check_digit(c[:5])
    if int(c[5]) != expected:
        raise InvalidInput(
            f"{code!r} fails the check digit: expected {c[:5]}{expected}; re-copy the code from the "
            "総務省 list.",
            code="municipality_code_check_digit",
            field=field,
        )
    return c


def validate_group_id(group_id: str, *, field: str = "code") -> str:
    if not _GROUP_RE.match(group_id):
        raise InvalidInput(
            f"{group_id!r} is not a group id; use 'group:' followed by lowercase letters, digits, - or _.",
            code="invalid_group_id",
            field=field,
        )
    return group_id


def kind_of(region_id: str) -> RegionKind:
    """The kind a region id denotes, from its shape (does not validate)."""
    if region_id.startswith("group:"):
        return RegionKind.GROUP
    if len(region_id) == 2 or (len(region_id) == 6 and region_id[2:5] == "000"):
        return RegionKind.PREFECTURE
    return RegionKind.MUNICIPALITY


def validate_region_id(region_id: str, *, field: str = "code") -> tuple[str, RegionKind]:
    """Validate any region id and return it with its kind."""
    kind = kind_of(region_id.strip())
    if kind is RegionKind.GROUP:
        return validate_group_id(region_id, field=field), kind
    if kind is RegionKind.PREFECTURE:
        return validate_prefecture_code(region_id, field=field), kind
    return validate_municipality_code(region_id, field=field), kind
