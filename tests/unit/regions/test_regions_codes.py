import pytest
from hypothesis import given
from hypothesis import strategies as st

from junkan.errors import InvalidInput
from junkan.regions.codes import (
    RegionKind,
    check_digit,
    is_valid_municipality_code,
    validate_municipality_code,
    validate_prefecture_code,
    validate_region_id,
)

# published 全国地方公共団体コード (総務省)
KNOWN = ["011002", "011011", "141003", "271004", "281000", "401005", "472018", "162019", "131016", "010006"]


@pytest.mark.parametrize("code", KNOWN)
def test_known_codes_pass(code):
    assert validate_municipality_code(code) == code


def test_remainder_rules():
    assert check_digit("28100") == 0  # r = 1 -> 10 -> 0 (Kobe)
    assert check_digit("01101") == 1  # r = 0 -> 11 -> 1 (Sapporo Chuo-ku)


@pytest.mark.parametrize(
    ("code", "err"),
    [
        ("141004", "municipality_code_check_digit"),
        ("14100", "municipality_code_missing_check_digit"),
        ("14100X", "invalid_municipality_code"),
        ("481004", "invalid_municipality_code"),
    ],
)
def test_bad_codes(code, err):
    with pytest.raises(InvalidInput) as e:
        validate_municipality_code(code)
    assert e.value.code == err and e.value.field == "code"


@given(st.integers(min_value=1, max_value=47), st.integers(min_value=0, max_value=999), st.integers(0, 9))
def test_exactly_one_check_digit_valid(pref, muni, digit):
    five = f"{pref:02d}{muni:03d}"
    assert is_valid_municipality_code(f"{five}{digit}") == (digit == check_digit(five))


def test_prefecture_and_group():
    assert validate_prefecture_code("01") == "01"
    assert validate_prefecture_code("130001") == "13"
    with pytest.raises(InvalidInput):
        validate_prefecture_code("48")
    assert validate_region_id("group:chita-5")[1] is RegionKind.GROUP
    with pytest.raises(InvalidInput) as e:
        validate_region_id("group:Bad Id")
    assert e.value.code == "invalid_group_id"
