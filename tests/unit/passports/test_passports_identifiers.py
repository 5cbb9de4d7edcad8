"""GTIN, CAS, GS1 Digital Link, linkset and QR codes."""

from __future__ import annotations

import pytest
import segno

from junkan.errors import InvalidInput
from junkan.passports.identifiers import (
    LINKSET_MEDIA_TYPE,
    build_digital_link,
    gtin_check_digit,
    normalise_category,
    parse_digital_link,
    passport_linkset,
    validate_cas,
    validate_country,
    validate_gtin,
)
from junkan.passports.qr import qr_png, qr_svg


@pytest.mark.parametrize(
    ("gtin", "as14"),
    [
        ("09520123456788", "09520123456788"),  # GS1 Digital Link standard's example
        ("9520123456788", "09520123456788"),  # same as GTIN-13
        ("4006381333931", "04006381333931"),  # EAN-13 example from Wikipedia "International Article Number"
        ("036000291452", "00036000291452"),  # UPC-A example from Wikipedia "Universal Product Code"
        ("96385074", "00000096385074"),  # EAN-8 example from Wikipedia "EAN-8"
    ],
)
def test_valid_gtins_normalise_to_14_digits(gtin: str, as14: str) -> None:
    assert validate_gtin(gtin) == as14


def test_gtin_check_digit_weights_3_1_from_the_right() -> None:
    # 0952012345678?: 8·3+7·1+6·3+5·1+4·3+3·1+2·3+1·1+0·3+2·1+5·3+9·1+0·3 = 112 → (10 - 2) % 10 = 8
    assert gtin_check_digit("0952012345678") == 8


@pytest.mark.parametrize(
    ("bad", "code"),
    [("09520123456789", "gtin_check_digit"), ("12345", "gtin_format"), ("abc", "gtin_format")],
)
def test_invalid_gtins_are_refused_with_a_fix(bad: str, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        validate_gtin(bad, field="identity.gtin")
    assert err.value.code == code
    assert err.value.field == "identity.gtin"


@pytest.mark.parametrize("cas", ["7732-18-5", "64-17-5", "7440-48-4", "25038-59-9", "9003-07-0"])
def test_valid_cas_numbers(cas: str) -> None:
    assert validate_cas(cas) == cas


@pytest.mark.parametrize(("bad", "code"), [("7732-18-4", "cas_check_digit"), ("7732185", "cas_format")])
def test_invalid_cas_numbers(bad: str, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        validate_cas(bad)
    assert err.value.code == code
    assert "7732-18-5" in err.value.message or "check digit" in err.value.message


def test_country_and_category_codes() -> None:
    assert validate_country("jp", field="x") == "JP"
    with pytest.raises(InvalidInput):
        validate_country("XX", field="x")
    assert normalise_category("hs", "8450.11", field="c") == "845011"
    assert normalise_category("cpc", "46410", field="c") == "46410"
    with pytest.raises(InvalidInput) as err:
        normalise_category("cpc", "464100", field="identity.category_code")
    assert err.value.code == "category_code"


def test_digital_link_build_and_parse_round_trip() -> None:
    link = build_digital_link("9520123456788", lot="AB/12", serial="0001", base="https://id.example.com/dl/")
    assert link.uri == "https://id.example.com/dl/01/09520123456788/10/AB%2F12/21/0001"
    assert parse_digital_link(link.uri) == link
    assert build_digital_link("09520123456788").uri == "https://id.gs1.org/01/09520123456788"
    assert parse_digital_link("https://id.gs1.org/01/09520123456788/21/12345").serial == "12345"


@pytest.mark.parametrize(
    "uri",
    [
        "https://id.gs1.org/02/09520123456788",
        "https://id.gs1.org/01/09520123456789",
        "https://id.gs1.org/01/09520123456788/10",
        "https://id.gs1.org/01/09520123456788/99/x",
    ],
)
def test_bad_digital_links_are_refused(uri: str) -> None:
    with pytest.raises(InvalidInput):
        parse_digital_link(uri)


def test_linkset_follows_rfc_9264() -> None:
    doc = passport_linkset(
        "https://id.gs1.org/01/09520123456788",
        page_url="https://junkan.example/p/1",
        credential_url="https://junkan.example/p/1.jsonld",
    )
    assert LINKSET_MEDIA_TYPE == "application/linkset+json"
    (context,) = doc["linkset"]
    assert context["anchor"] == "https://id.gs1.org/01/09520123456788"
    assert context["https://gs1.org/voc/pip"][0] == {
        "href": "https://junkan.example/p/1",
        "type": "text/html",
        "title": "製品パスポート / Product passport",
        "hreflang": ["ja", "en"],
    }
    assert context["describedby"][0]["type"] == "application/vc+ld+json"


def test_qr_codes_encode_the_digital_link() -> None:
    uri = "https://id.gs1.org/01/09520123456788/21/12345"
    svg, png = qr_svg(uri), qr_png(uri)
    assert svg.startswith(b"<svg") and b"</svg>" in svg
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    reference = segno.make_qr(uri, error="m", boost_error=False)
    assert reference.error == "M"
    # Same symbol as segno builds for that content: same size in modules at the same scale.
    assert f'width="{(reference.symbol_size(scale=4, border=4))[0]}"'.encode() in svg
