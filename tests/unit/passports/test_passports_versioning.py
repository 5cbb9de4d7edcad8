"""Lifecycle: publish, immutable versions, new versions, diffs, withdrawal, export guard."""

from __future__ import annotations

from decimal import Decimal

import pytest

from junkan.errors import Conflict, InvalidInput, RuleViolation
from junkan.passports.model import Status
from junkan.passports.versioning import (
    Change,
    diff,
    edit_draft,
    ensure_exportable,
    merge_patch,
    new_version,
    publish,
    withdraw,
)
from tests.unit.passports.passports_factories import NOW, make_passport


def test_draft_edit_publish_new_version_and_diff() -> None:
    draft = make_passport()
    edited = edit_draft(draft, {"identity": {"name": {"en": "Part B"}}})
    assert edited.identity.name.en == "Part B" and edited.identity.name.ja == "部品"
    published = publish(edited, now=NOW)
    assert published.status is Status.PUBLISHED and published.published_at == NOW

    with pytest.raises(Conflict) as err:
        edit_draft(published, {"identity": {"name": {"en": "sneaky"}}})
    assert err.value.code == "passport_immutable"

    v2 = new_version(
        published,
        {"composition": {"materials": [{"name": "housing", "material_class": "PP", "mass_kg": "1.2",
                                        "recycled_post_consumer": "0.5"}]}},
        now=NOW,
    )  # fmt: skip
    assert (v2.version, v2.predecessor, v2.status) == (2, 1, Status.DRAFT)
    assert published.composition.materials[0].mass_kg == Decimal("1.0")  # the old version is untouched
    changes = {c.path: c for c in diff(published, v2)}
    assert changes["composition.materials[0].mass_kg"] == Change(
        "composition.materials[0].mass_kg", "1.0", "1.2"
    )
    assert changes["composition.materials[0].recycled_post_consumer"].new == "0.5"
    assert changes["composition.materials[0].cas"] == Change(
        "composition.materials[0].cas", "9003-07-0", None
    )
    assert "version" not in changes
    assert diff(published, v2, include_lifecycle=True)[-1].path == "version"


def test_lifecycle_fields_cannot_be_patched_and_patches_are_validated() -> None:
    with pytest.raises(InvalidInput) as err:
        edit_draft(make_passport(), {"version": 7})
    assert err.value.code == "field_read_only"
    with pytest.raises(InvalidInput) as err:
        edit_draft(make_passport(), {"identity": {"gtin": "09520123456789"}})
    assert err.value.errors[0].field == "identity.gtin"


def test_exporting_a_draft_or_withdrawn_passport_is_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        ensure_exportable(make_passport())
    assert err.value.code == "passport_not_published" and "publish it first" in err.value.message
    withdrawn = withdraw(make_passport(published=True), now=NOW)
    assert withdrawn.status is Status.WITHDRAWN
    with pytest.raises(RuleViolation):
        ensure_exportable(withdrawn)
    with pytest.raises(Conflict):
        new_version(withdrawn, {}, now=NOW)
    with pytest.raises(Conflict):
        publish(withdrawn, now=NOW)


def test_merge_patch_rfc_7396_examples() -> None:
    # RFC 7396 Appendix A, examples 1, 2, 3, 7 and 10
    assert merge_patch({"a": "b"}, {"a": "c"}) == {"a": "c"}
    assert merge_patch({"a": "b"}, {"b": "c"}) == {"a": "b", "b": "c"}
    assert merge_patch({"a": "b"}, {"a": None}) == {}
    assert merge_patch({"a": ["b"]}, {"a": "c"}) == {"a": "c"}
    assert merge_patch({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}) == {"a": {"b": "d"}}
