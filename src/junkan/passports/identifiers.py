"""Identifiers a passport carries: GTIN, GS1 Digital Link, CAS numbers, product categories and countries.

A GS1 Digital Link URI (GS1 Digital Link Standard: URI Syntax 1.4) puts a GTIN (AI 01) and optionally a
batch/lot (AI 10) and a serial number (AI 21) in a web address, so that one QR code both identifies the
product and resolves to its passport. A resolver answers with an RFC 9264 linkset listing the
representations (the human page, the UNTP credential, the Asset Administration Shell, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Final
from urllib.parse import quote, unquote, urlsplit

from junkan.errors import InvalidInput

__all__ = [
    "COUNTRIES",
    "GS1_RESOLVER",
    "LINKSET_MEDIA_TYPE",
    "DigitalLink",
    "Link",
    "build_digital_link",
    "check_ai_value",
    "gtin_check_digit",
    "linkset",
    "normalise_category",
    "parse_digital_link",
    "passport_linkset",
    "validate_cas",
    "validate_country",
    "validate_gtin",
]

GS1_RESOLVER: Final = "https://id.gs1.org"
LINKSET_MEDIA_TYPE: Final = "application/linkset+json"

#: ISO 3166-1 alpha-2 officially assigned codes.
_COUNTRY_CODES: Final = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT "
    "BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH "
    "ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT "
    "HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS "
    "LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI "
    "NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG "
    "SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG "
    "UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW "
)
COUNTRIES: Final = frozenset(_COUNTRY_CODES.split())

# GS1 AI 10 / AI 21: up to 20 characters of GS1 AI encodable character set 82 (GS1 Gen. Specs §7.11).
_CSET82: Final = re.compile(r"^[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$")
_CAS: Final = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def gtin_check_digit(body: str) -> int:
    """GS1 mod-10 check digit of the digits before it (GS1 General Specifications §7.9.1)."""
    # Weights 3, 1, 3, … from the rightmost digit of the body.
    digits = body[::-1]
    total = 3 * sum(map(int, digits[0::2])) + sum(map(int, digits[1::2]))
    return (10 - total % 10) % 10


def validate_gtin(value: str, *, field: str = "gtin") -> str:
    """Check a GTIN-8/12/13/14 and its check digit; return it as 14 digits (the Digital Link form)."""
    gtin = value.strip() if isinstance(value, str) else ""
    if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14):
        raise InvalidInput(
            f"{value!r} is not a GTIN; a GTIN has 8, 12, 13 or 14 digits (e.g. 4901234567894)",
            code="gtin_format",
            field=field,
        )
    expected = gtin_check_digit(gtin[:-1])
    if int(gtin[-1]) != expected:
        raise InvalidInput(
            f"GTIN {gtin} has check digit {gtin[-1]} but should end in {expected}; "
            "re-read the number from the barcode or ask your GS1 member organisation",
            code="gtin_check_digit",
            field=field,
        )
    return gtin.zfill(14)


@lru_cache(maxsize=4096)  # a file repeats the same few CAS numbers; failures raise and are not cached
def validate_cas(value: str, *, field: str = "cas") -> str:
    """Check a CAS Registry Number (NNNNNNN-NN-R) and its check digit; return it unchanged."""
    match = _CAS.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise InvalidInput(
            f"{value!r} is not a CAS number; write 2-7 digits, 2 digits and a check digit, e.g. 7732-18-5",
            code="cas_format",
            field=field,
        )
    digits = (match.group(1) + match.group(2))[::-1]
    # CAS check digit: Σ (position from the right × digit) mod 10 (CAS Registry Number verification).
    expected = sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10
    if int(match.group(3)) != expected:
        raise InvalidInput(
            f"CAS number {value} fails its check digit (expected {expected}); "
            "copy the number from the safety data sheet or the CAS registry",
            code="cas_check_digit",
            field=field,
        )
    return match.group(0)


def validate_country(value: str, *, field: str) -> str:
    """Check an ISO 3166-1 alpha-2 country code; return it upper-case."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if code not in COUNTRIES:
        raise InvalidInput(
            f"{value!r} is not an ISO 3166-1 alpha-2 country code; use two letters such as JP, CN or DE",
            code="country_code",
            field=field,
        )
    return code


@lru_cache(maxsize=4096)
def normalise_category(scheme: str, code: str, *, field: str) -> str:
    """Check a product category code: UN CPC Ver. 2.1 (1-5 digits) or HS (2/4/6 digits, national up to 10)."""
    raw = code.strip() if isinstance(code, str) else ""
    if scheme == "cpc":
        if re.fullmatch(r"\d{1,5}", raw):
            return raw
        hint = "a UN CPC code has 1 to 5 digits, e.g. 44811 for household washing machines"
    elif scheme == "hs":
        digits = raw.replace(".", "").replace(" ", "")
        if digits.isdigit() and len(digits) in (2, 4, 6, 8, 9, 10):
            return digits
        hint = "an HS code has 2, 4 or 6 digits (national extensions up to 10), e.g. 8450.11 or 845011"
    else:
        raise InvalidInput(
            f"unknown category scheme {scheme!r}; use 'cpc' (UN CPC) or 'hs' (Harmonized System)",
            code="category_scheme",
            field=field.rsplit(".", 1)[0] + ".category_scheme",
        )
    raise InvalidInput(
        f"{code!r} is not a valid {scheme.upper()} code; {hint}", code="category_code", field=field
    )


@dataclass(frozen=True, slots=True)
class DigitalLink:
    """The parts of a GS1 Digital Link URI."""

    base: str
    gtin: str
    lot: str | None = None
    serial: str | None = None

    @property
    def uri(self) -> str:
        path = f"/01/{self.gtin}"
        if self.lot is not None:
            path += f"/10/{quote(self.lot, safe='')}"
        if self.serial is not None:
            path += f"/21/{quote(self.serial, safe='')}"
        return self.base.rstrip("/") + path


def check_ai_value(value: str | None, ai: str, *, field: str) -> str | None:
    if value is None:
        return None
    if not _CSET82.match(value):
        raise InvalidInput(
            f"{value!r} is not a valid AI ({ai}) value; use 1-20 letters, digits or -./_ (GS1 charset 82)",
            code="gs1_ai_value",
            field=field,
        )
    return value


def build_digital_link(
    gtin: str, *, lot: str | None = None, serial: str | None = None, base: str = GS1_RESOLVER
) -> DigitalLink:
    """Build ``{base}/01/{gtin14}[/10/{lot}][/21/{serial}]`` after checking every part."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput(
            f"{base!r} is not a web address; give the resolver base as https://host[/path]",
            code="digital_link_base",
            field="base",
        )
    return DigitalLink(
        base=base.rstrip("/"),
        gtin=validate_gtin(gtin),
        lot=check_ai_value(lot, "10", field="lot"),
        serial=check_ai_value(serial, "21", field="serial"),
    )


def parse_digital_link(uri: str) -> DigitalLink:
    """Parse a GS1 Digital Link URI (with any base and path prefix) back into its parts."""
    parts = urlsplit(uri)
    segments = parts.path.split("/")
    try:
        at = segments.index("01")
    except ValueError:
        raise InvalidInput(
            f"{uri!r} has no /01/{{gtin}} segment; a GS1 Digital Link looks like https://id.gs1.org/01/09520123456788",
            code="digital_link_format",
            field="uri",
        ) from None
    tail = segments[at:]
    if len(tail) % 2 != 0 or parts.scheme not in ("http", "https"):
        raise InvalidInput(
            f"{uri!r} is not a well-formed GS1 Digital Link; use /01/{{gtin}}[/10/{{lot}}][/21/{{serial}}]",
            code="digital_link_format",
            field="uri",
        )
    values = {tail[i]: unquote(tail[i + 1]) for i in range(0, len(tail), 2)}
    unknown = set(values) - {"01", "10", "21"}
    if unknown:
        raise InvalidInput(
            f"unsupported application identifier(s) {sorted(unknown)} in {uri!r}; junkan reads 01, 10 and 21",
            code="digital_link_ai",
            field="uri",
        )
    base = f"{parts.scheme}://{parts.netloc}" + "/".join(segments[:at])
    return build_digital_link(values["01"], lot=values.get("10"), serial=values.get("21"), base=base)


@dataclass(frozen=True, slots=True)
class Link:
    """One typed link in a linkset (RFC 8288 target attributes)."""

    rel: str
    href: str
    type: str | None = None
    title: str | None = None
    hreflang: tuple[str, ...] = field(default_factory=tuple)


def linkset(anchor: str, links: list[Link]) -> dict[str, Any]:
    """An RFC 9264 §4.2 linkset document (serve as ``application/linkset+json``) for one anchor."""
    context: dict[str, Any] = {"anchor": anchor}
    for link in links:
        target: dict[str, Any] = {"href": link.href}
        if link.type:
            target["type"] = link.type
        if link.title:
            target["title"] = link.title
        if link.hreflang:
            target["hreflang"] = list(link.hreflang)
        context.setdefault(link.rel, []).append(target)
    return {"linkset": [context]}


def passport_linkset(
    anchor: str, *, page_url: str, credential_url: str | None = None, aas_url: str | None = None
) -> dict[str, Any]:
    """The linkset a resolver returns for a product's Digital Link: its passport page and machine forms.

    Link relation types from the GS1 Web Vocabulary (``gs1:pip`` product information page,
    ``gs1:sustainabilityInfo``), plus ``describedby`` (RFC 8288 registry) for the machine-readable forms.
    """
    links = [
        Link("https://gs1.org/voc/defaultLink", page_url, "text/html", "Product passport"),
        Link(
            "https://gs1.org/voc/pip",
            page_url,
            "text/html",
            "製品パスポート / Product passport",
            ("ja", "en"),
        ),
    ]
    if credential_url:
        links.append(
            Link(
                "https://gs1.org/voc/sustainabilityInfo",
                credential_url,
                "application/vc+ld+json",
                "UNTP Digital Product Passport",
            )
        )
        links.append(
            Link("describedby", credential_url, "application/vc+ld+json", "UNTP Digital Product Passport")
        )
    if aas_url:
        links.append(Link("describedby", aas_url, "application/json", "Asset Administration Shell"))
    return linkset(anchor, links)
