"""What a passport document sent by a client may contain: known keys, id format, fields junkan sets.

Unknown keys are refused by name (a typo would otherwise be dropped silently), together with every error
the codec finds, so one answer lists everything to fix.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from junkan.errors import FieldError, InvalidInput
from junkan.passports import versioning
from junkan.passports.codec import passport_from_dict
from junkan.passports.model import (
    CarbonFootprint,
    Claim,
    Component,
    Composition,
    Disassembly,
    Durability,
    EcoDesign,
    Identity,
    Material,
    Passport,
    Recyclability,
    Repairability,
)

__all__ = [
    "SHAPE",
    "check_lifecycle_fields",
    "check_passport_id",
    "check_patch",
    "check_shape",
    "parse_document",
    "patched",
    "shape_errors",
]


_LIFECYCLE: Final = versioning.READ_ONLY - {"id"}


def _fields(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


_TEXT = frozenset({"ja", "en"})


_PARTY = frozenset({"id", "name"})


#: Known keys of a passport document by path (list indices dropped); ``disclosure`` is a free map.
SHAPE: Final[dict[str, frozenset[str]]] = {
    "": _fields(Passport),
    "identity": _fields(Identity),
    "identity.name": _TEXT,
    "identity.description": _TEXT,
    "identity.manufacturer": _PARTY,
    "identity.facility": _PARTY,
    "composition": _fields(Composition),
    "composition.materials": _fields(Material) | {"mass", "unit"},
    "composition.components": _fields(Component),
    "eco_design": _fields(EcoDesign),
    "eco_design.disassembly": _fields(Disassembly),
    "eco_design.durability": _fields(Durability),
    "eco_design.repairability": _fields(Repairability),
    "eco_design.recyclability": _fields(Recyclability),
    "carbon": _fields(CarbonFootprint),
    "claims": _fields(Claim),
}


_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$")


def shape_errors(data: Mapping[str, Any]) -> list[FieldError]:
    """Keys a passport does not have (a typo would otherwise be dropped silently), each named."""
    errors: list[FieldError] = []

    def walk(value: Any, shape_path: str, field: str) -> None:
        if isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, shape_path, f"{field}[{i}]")
            return
        if not isinstance(value, Mapping) or shape_path not in SHAPE:
            return
        allowed = SHAPE[shape_path]
        for key, item in value.items():
            where = f"{field}.{key}" if field else str(key)
            if key not in allowed:
                known = sorted(allowed - _LIFECYCLE) if not shape_path else sorted(allowed)
                errors.append(
                    FieldError(
                        where,
                        "unknown_field",
                        f"{where} is not a passport field; check the spelling "
                        f"(known here: {', '.join(known)})",
                    )
                )
            else:
                walk(item, f"{shape_path}.{key}" if shape_path else str(key), where)

    walk(data, "", "")
    return errors


def check_shape(data: Mapping[str, Any]) -> None:
    errors = shape_errors(data)
    if errors:
        raise _combined(errors)


def _combined(errors: list[FieldError]) -> InvalidInput:
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return InvalidInput(f"{first.field}: {first.message}{more}", code=first.code, errors=errors)


def parse_document(doc: Mapping[str, Any], given: Mapping[str, Any]) -> Passport:
    """Read a document, reporting unknown keys of ``given`` together with every codec error."""
    unknown = shape_errors(given)
    try:
        passport = passport_from_dict(doc)
    except InvalidInput as e:
        raise _combined(unknown + e.errors) from None
    if unknown:
        raise _combined(unknown)
    return passport


def patched(apply: Callable[[], Passport], patch: Mapping[str, Any]) -> Passport:
    """Apply a patch, reporting its unknown keys together with the codec's errors."""
    unknown = shape_errors(patch)
    try:
        result = apply()
    except InvalidInput as e:
        raise _combined(unknown + e.errors) from None
    if unknown:
        raise _combined(unknown)
    return result


def check_passport_id(passport_id: str) -> None:
    """Ids go into URLs and Digital Link linksets: RFC 3986 unreserved characters only."""
    if not _ID.match(passport_id):
        raise InvalidInput(
            f"passport id {passport_id!r} may only use letters, digits and . _ ~ - (up to 200, starting "
            "with a letter or digit), e.g. acme-kettle-2025",
            code="passport_id_format",
            field="id",
        )


def check_patch(patch: object) -> None:
    if not isinstance(patch, Mapping):
        raise InvalidInput("a patch is a JSON object (RFC 7396 merge patch)", code="not_an_object", field="")


def check_lifecycle_fields(data: Mapping[str, Any]) -> None:
    for key in sorted(_LIFECYCLE & set(data)):
        raise InvalidInput(
            f"{key} is set by junkan (issuer from your organisation, status and versions by the "
            "lifecycle); leave it out",
            code="field_read_only",
            field=key,
        )
