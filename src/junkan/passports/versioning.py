"""The passport lifecycle: draft → published → withdrawn, immutable versions and their diffs.

A draft may be edited in place. Once published a version is a public record that others (buyers,
recyclers, regulators) may have relied on, so it is never changed: a correction is a new version whose
``predecessor`` is the published one, and :func:`diff` shows field by field what changed between two
versions. Edits are JSON Merge Patches (RFC 7396) on the :func:`passport_to_dict` form and are checked
in full by :func:`passport_from_dict`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final

from junkan.errors import Conflict, InvalidInput, RuleViolation
from junkan.passports.codec import passport_from_dict, passport_to_dict
from junkan.passports.model import Passport, Status

__all__ = [
    "READ_ONLY",
    "Change",
    "diff",
    "edit_draft",
    "ensure_exportable",
    "merge_patch",
    "new_version",
    "publish",
    "withdraw",
]

#: Fields the lifecycle owns; a patch may not set them.
READ_ONLY: Final = frozenset(
    {"id", "issuer", "status", "version", "predecessor", "created_at", "published_at", "withdrawn_at"}
)


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two versions: a dotted path with list indices, e.g. ``claims[0].topic``."""

    path: str
    old: Any
    new: Any


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON Merge Patch: objects merge key by key, ``None`` deletes, anything else replaces."""
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _check_patch(patch: Mapping[str, Any]) -> None:
    for key in patch:
        if key in READ_ONLY:
            raise InvalidInput(
                f"{key} is managed by the passport lifecycle and cannot be edited; leave it out",
                code="field_read_only",
                field=key,
            )


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise InvalidInput("now must carry a time zone", code="naive_datetime", field="now")
    return now


def edit_draft(passport: Passport, patch: Mapping[str, Any]) -> Passport:
    """Apply a change to a draft in place (same version); a published version refuses with ``Conflict``."""
    if passport.status is not Status.DRAFT:
        raise Conflict(
            f"passport {passport.id} version {passport.version} is {passport.status.value} and cannot be "
            "edited in place; create a new version with the change instead",
            code="passport_immutable",
            field="status",
        )
    _check_patch(patch)
    return passport_from_dict(merge_patch(passport_to_dict(passport), patch))


def publish(passport: Passport, *, now: datetime) -> Passport:
    """Make a draft the published, immutable version."""
    if passport.status is not Status.DRAFT:
        raise Conflict(
            f"only a draft can be published; version {passport.version} is already {passport.status.value}",
            code="passport_not_draft",
            field="status",
        )
    return replace(passport, status=Status.PUBLISHED, published_at=_aware(now))


def withdraw(passport: Passport, *, now: datetime) -> Passport:
    """Withdraw a published version (e.g. the product was recalled); the record itself stays readable."""
    if passport.status is not Status.PUBLISHED:
        raise Conflict(
            f"only a published passport can be withdrawn; this one is {passport.status.value}",
            code="passport_not_published",
            field="status",
        )
    return replace(passport, status=Status.WITHDRAWN, withdrawn_at=_aware(now))


def new_version(passport: Passport, patch: Mapping[str, Any], *, now: datetime) -> Passport:
    """A new draft version with ``patch`` applied, pointing to the published ``passport`` it revises."""
    if passport.status is not Status.PUBLISHED:
        hint = (
            "edit the draft directly"
            if passport.status is Status.DRAFT
            else "a withdrawn passport stays as is"
        )
        raise Conflict(
            f"new versions are made from the published version; this one is {passport.status.value} ({hint})",
            code="passport_not_published",
            field="status",
        )
    _check_patch(patch)
    data = merge_patch(passport_to_dict(passport), patch)
    data.update(
        status=Status.DRAFT.value,
        version=passport.version + 1,
        predecessor=passport.version,
        created_at=_aware(now).isoformat(),
        published_at=None,
        withdrawn_at=None,
    )
    return passport_from_dict(data)


def ensure_exportable(passport: Passport) -> None:
    """Exports and credentials are only made from a published version."""
    if passport.status is not Status.PUBLISHED:
        raise RuleViolation(
            f"passport {passport.id} version {passport.version} is {passport.status.value}; only a published "
            "version can be exported — publish it first"
            if passport.status is Status.DRAFT
            else f"passport {passport.id} version {passport.version} is withdrawn and cannot be exported; "
            "export its successor",
            code="passport_not_published",
            field="status",
        )


def _diff(old: Any, new: Any, path: str, out: list[Change]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new), key=str):
            _diff(old.get(key), new.get(key), f"{path}.{key}" if path else str(key), out)
    elif isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            _diff(old[i] if i < len(old) else None, new[i] if i < len(new) else None, f"{path}[{i}]", out)
    elif old != new:
        out.append(Change(path, old, new))


def diff(old: Passport, new: Passport, *, include_lifecycle: bool = False) -> list[Change]:
    """Every field that differs between two versions (lifecycle fields left out unless asked for)."""
    a, b = passport_to_dict(old), passport_to_dict(new)
    if not include_lifecycle:
        for key in READ_ONLY - {"id", "issuer"}:
            a.pop(key, None)
            b.pop(key, None)
    out: list[Change] = []
    _diff(a, b, "", out)
    return out
