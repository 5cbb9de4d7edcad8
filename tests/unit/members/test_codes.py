"""Check digits against real, published identifiers."""

import pytest

from junkan.errors import InvalidInput
from junkan.members.codes import (
    corporate_number_check_digit,
    municipality_check_digit,
    validate_corporate_number,
    validate_municipality_code,
)

# Real local government codes (総務省 全国地方公共団体コード).
REAL_MUNICIPALITIES = {
    "011002": "Sapporo",
    "141003": "Yokohama",
    "131016": "Chiyoda",
    "131041": "Shinjuku",
    "271004": "Osaka",
    "281000": "Kobe",
    "401005": "Kitakyushu",
    "472018": "Naha",
    "162019": "Toyama",
    "012025": "Hakodate",
}


@pytest.mark.parametrize("code", sorted(REAL_MUNICIPALITIES))
def test_real_municipality_codes_validate(code: str) -> None:
    assert validate_municipality_code(code) == code
    assert municipality_check_digit(code[:5]) == int(code[5])


def test_remainder_zero_and_one_cases() -> None:
    # Shinjuku 13104: weighted sum 33, remainder 0 -> check digit 1; Kobe 28100: remainder 1 -> 0.
    assert municipality_check_digit("13104") == 1
    assert municipality_check_digit("28100") == 0


@pytest.mark.parametrize(
    ("code", "err"),
    [
        ("141004", "municipality_code_check_digit"),
        ("14100", "municipality_code_format"),
        ("99100x", "municipality_code_format"),
        ("481001", "municipality_code_prefecture"),
    ],
)
def test_bad_municipality_codes(code: str, err: str) -> None:
    with pytest.raises(InvalidInput) as e:
        validate_municipality_code(code)
    assert e.value.code == err
    assert e.value.field == "municipality_code"


def test_national_tax_agency_corporate_number() -> None:
    # The NTA's own corporate number, published on houjin-bangou.nta.go.jp.
    assert validate_corporate_number("7000012050002") == "7000012050002"
    assert corporate_number_check_digit("000012050002") == 7


def test_corporate_number_with_wrong_check_digit_names_the_fix() -> None:
    with pytest.raises(InvalidInput) as e:
        validate_corporate_number("6000012050002")
    assert e.value.code == "corporate_number_check_digit"
    assert "should be 7" in e.value.message


def test_corporate_number_format() -> None:
    with pytest.raises(InvalidInput) as e:
        validate_corporate_number("12345")
    assert e.value.code == "corporate_number_format"
