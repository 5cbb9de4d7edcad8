"""Japanese public identifiers with check digits.

- 法人番号 (corporate number): 13 digits, the first is a check digit over the 12-digit base number.
  National Tax Agency rule: with P_n the n-th digit of the base counted from the right and Q_n = 1 for odd
  n, 2 for even n, check = 9 - (Σ P_n·Q_n mod 9). Example: the NTA's own number 7000012050002.
- 全国地方公共団体コード (local government code): 5 digits + check digit. Ministry of Internal Affairs
  rule: weights 6,5,4,3,2; r = Σ mod 11; check = (11 - r) mod 10 (so r = 1 gives 0 and r = 0 gives 1).
  Examples: Sapporo 011002, Yokohama 141003, Shinjuku 131041, Kobe 281000.
"""

from __future__ import annotations

from junkan.errors import InvalidInput

__all__ = [
    "corporate_number_check_digit",
    "municipality_check_digit",
    "validate_corporate_number",
    "validate_municipality_code",
]


def corporate_number_check_digit(base12: str) -> int:
    total = 0
    for n, ch in enumerate(reversed(base12), start=1):
        total += int(ch) * (1 if n % 2 else 2)
    return 9 - (total % 9)


def validate_corporate_number(value: str, *, field: str = "corporate_number") -> str:
    v = value.strip().replace("-", "")
    if len(v) != 13 or not v.isascii() or not v.isdigit():
        raise InvalidInput(
            f"a corporate number (法人番号) has exactly 13 digits; got {value!r}",
            code="corporate_number_format",
            field=field,
        )
    expected = corporate_number_check_digit(v[1:])
    if int(v[0]) != expected:
        raise InvalidInput(
            f"corporate number {v} fails its check digit: the first digit should be {expected}; "
            "copy the number again from the NTA corporate number site (houjin-bangou.nta.go.jp)",
            code="corporate_number_check_digit",
            field=field,
        )
    return v


def municipality_check_digit(base5: str) -> int:
    r = sum(int(d) * w for d, w in zip(base5, (6, 5, 4, 3, 2), strict=True)) % 11
    return (11 - r) % 10


def validate_municipality_code(value: str, *, field: str = "municipality_code") -> str:
    v = value.strip()
    if len(v) != 6 or not v.isascii() or not v.isdigit():
        raise InvalidInput(
            "a local government code (全国地方公共団体コード) has 6 digits "
            f"including the check digit; got {value!r}",
            code="municipality_code_format",
            field=field,
        )
    if not 1 <= int(v[:2]) <= 47:
        raise InvalidInput(
            f"municipality code {v} starts with prefecture {v[:2]}, which does not exist (01–47)",
            code="municipality_code_prefecture",
            field=field,
        )
    expected = municipality_check_digit(v[:5])
    if int(v[5]) != expected:
        raise InvalidInput(
            f"municipality code {v} fails its check digit: the last digit should be {expected} "
            f"({v[:5]}{expected}); 5-digit codes need the check digit appended",
            code="municipality_code_check_digit",
            field=field,
        )
    return v
