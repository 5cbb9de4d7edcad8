"""The passport form of the web pages: fields ↔ passport documents, and errors placed next to their field.

Identity is a set of plain inputs; the nested sections (composition, eco-design, carbon, claims,
disclosure) are JSON text areas. A JSON syntax error is reported on its text area with line and column.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from junkan.errors import FieldError
from junkan.passports.codec import passport_to_dict
from junkan.passports.model import Passport

__all__ = [
    "IDENTITY_FIELDS",
    "JSON_FIELDS",
    "blank_form",
    "document_from_form",
    "errors_by_field",
    "form_field",
    "form_from_passport",
]

IDENTITY_FIELDS: Final = (
    "category_scheme",
    "category_code",
    "gtin",
    "lot",
    "serial",
    "local_scheme",
    "local_id",
    "country_of_production",
    "production_date",
)
JSON_FIELDS: Final = ("composition", "eco_design", "carbon", "claims", "disclosure")
FORM_FIELDS: Final = (
    "id",
    "kind",
    "level",
    "name_ja",
    "name_en",
    "description_ja",
    "description_en",
    *IDENTITY_FIELDS,
    *JSON_FIELDS,
)
_EXAMPLE_COMPOSITION: Final = {
    "materials": [
        {
            "name": "housing",
            "material_class": "PP",
            "mass_kg": "1.2",
            "cas": "9003-07-0",
            "recycled_post_consumer": "0.3",
        }
    ],
    "components": [],
}


def _pretty(value: Any) -> str:
    return "" if value in (None, [], {}) else json.dumps(value, ensure_ascii=False, indent=2)


def blank_form() -> dict[str, str]:
    form = dict.fromkeys(FORM_FIELDS, "")
    form.update(kind="product", level="model", category_scheme="hs")
    form["composition"] = _pretty(_EXAMPLE_COMPOSITION)
    return form


def form_from_passport(p: Passport) -> dict[str, str]:
    doc = passport_to_dict(p)
    ident = doc["identity"]
    form = {
        "id": p.id,
        "kind": doc["kind"],
        "level": doc["level"],
        "name_ja": ident["name"]["ja"],
        "name_en": ident["name"]["en"],
        "description_ja": (ident.get("description") or {}).get("ja", ""),
        "description_en": (ident.get("description") or {}).get("en", ""),
    }
    form.update({k: "" if ident.get(k) is None else str(ident[k]) for k in IDENTITY_FIELDS})
    form.update({k: _pretty(doc.get(k)) for k in JSON_FIELDS})
    return form


def document_from_form(form: Mapping[str, str], *, patch: bool) -> tuple[dict[str, Any], list[FieldError]]:
    """The passport document (or, with ``patch``, a merge patch where a cleared field deletes) and the
    JSON syntax errors found."""
    errors: list[FieldError] = []

    def text(key: str) -> str | None:
        value = (form.get(key) or "").strip()
        return value or None

    identity: dict[str, Any] = {"name": {"ja": text("name_ja") or "", "en": text("name_en") or ""}}
    if text("description_ja") or text("description_en"):
        identity["description"] = {"ja": text("description_ja") or "", "en": text("description_en") or ""}
    elif patch:
        identity["description"] = None
    for key in IDENTITY_FIELDS:
        value = text(key)
        if value is not None or patch:
            identity[key] = value
    doc: dict[str, Any] = {"kind": text("kind"), "level": text("level"), "identity": identity}
    if not patch:
        doc["id"] = text("id")
    for key in JSON_FIELDS:
        raw = text(key)
        if raw is None:
            if patch:
                doc[key] = None
            continue
        try:
            doc[key] = json.loads(raw)
        except json.JSONDecodeError as e:
            errors.append(
                FieldError(
                    key,
                    "json_syntax",
                    f"{key} is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg}); "
                    "check quotes, commas and brackets",
                )
            )
    if not patch:
        doc = {k: v for k, v in doc.items() if v is not None}
    return doc, errors


def form_field(path: str) -> str:
    """Which form field an error path belongs to (``identity.name.ja`` → ``name_ja``)."""
    head, _, rest = path.partition(".")
    head = head.split("[", 1)[0]
    if head == "identity":
        leaf = rest.split(".", 1)[0]
        if leaf in ("name", "description"):
            sub = rest.split(".")[1] if rest.count(".") else "ja"
            return f"{leaf}_{sub if sub in ('ja', 'en') else 'ja'}"
        return leaf if leaf in IDENTITY_FIELDS else "name_ja"
    return head if head in FORM_FIELDS else ""


def errors_by_field(errors: list[FieldError]) -> dict[str, list[FieldError]]:
    """Errors grouped by form field ("" for those that belong to no single field)."""
    out: dict[str, list[FieldError]] = {}
    for e in errors:
        out.setdefault(form_field(e.field), []).append(e)
    return out
