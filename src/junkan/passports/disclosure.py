"""Selective disclosure (開示範囲): what each viewer may see of a passport.

Audiences form a chain, each seeing everything the ones below it see::

    public  <  partners  <  authorities  <  owner

- ``public`` — anyone, e.g. a consumer scanning the QR code.
- ``partners`` — organisations with an accepted partnership with the issuer (suppliers, recyclers).
- ``authorities`` — regulators and certifiers. We rank them above partners, so they also see partner
  data: market-surveillance authorities may demand all passport information anyway (EU ESPR Art. 9(2)(c)
  and Art. 10(1)(d) give them access beyond the public part; Japan's Resources Act lets the competent
  minister require reports), and a certifier verifying recycled content needs the masses partners see.
- ``owner`` — the issuing organisation: everything, including the disclosure policy itself.

A passport's policy maps dotted paths (list indices dropped, e.g. ``composition.materials.mass_kg``) to an
audience; the longest matching path wins and a masked node masks everything below it, so the effective
audience of a field is never below any of its ancestors'. Paths without a rule are owner-only (fail
closed) except the envelope (id, issuer, kind, level, status, version, dates). A hidden value is replaced
by ``{"masked": true, "audience": ..., "reason": ...}``: the viewer sees that something is withheld and why.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

from junkan.passports.codec import passport_to_dict
from junkan.passports.composition import Rollup
from junkan.passports.model import Audience, Passport

__all__ = [
    "ENVELOPE",
    "RANK",
    "disclose",
    "effective_audience",
    "is_masked",
    "rollup_to_dict",
    "viewer_audiences",
    "visible_audiences",
]

RANK: Final[dict[Audience, int]] = {
    Audience.PUBLIC: 0,
    Audience.PARTNERS: 1,
    Audience.AUTHORITIES: 2,
    Audience.OWNER: 3,
}
ENVELOPE: Final = frozenset(
    {
        "id",
        "issuer",
        "kind",
        "level",
        "status",
        "version",
        "predecessor",
        "created_at",
        "published_at",
        "withdrawn_at",
        "demo",
    }
)
_WHO: Final = {
    Audience.PUBLIC: "everyone",
    Audience.PARTNERS: "partners of the issuer, authorities and the issuer",
    Audience.AUTHORITIES: "authorities (regulators, certifiers) and the issuer",
    Audience.OWNER: "the issuer only",
}


def visible_audiences(viewer: Iterable[Audience]) -> frozenset[Audience]:
    """Every audience level at or below the highest one the viewer holds (public is always included)."""
    top = max((RANK[Audience(a)] for a in viewer), default=0)
    return frozenset(a for a, r in RANK.items() if r <= top)


def viewer_audiences(
    *, viewer_org: str | None, issuer: str, partners: Collection[str] = (), authority: bool = False
) -> frozenset[Audience]:
    """A viewer's audiences; ``partners`` are org ids with an accepted partnership with ``issuer``."""
    held = {Audience.PUBLIC}
    if viewer_org is not None and str(viewer_org) == str(issuer):
        held.add(Audience.OWNER)
    if viewer_org is not None and str(viewer_org) in {str(p) for p in partners}:
        held.add(Audience.PARTNERS)
    if authority:
        held.add(Audience.AUTHORITIES)
    return visible_audiences(held)


def effective_audience(path: str, rules: Mapping[str, Audience]) -> Audience:
    """The audience of the longest rule matching ``path`` (owner if none, public for the envelope)."""
    probe = path
    while probe:
        found = rules.get(probe)
        if found is not None:
            return found
        cut = probe.rfind(".")
        probe = probe[:cut] if cut > 0 else ""
    return Audience.PUBLIC if path.split(".", 1)[0] in ENVELOPE else Audience.OWNER


def is_masked(value: object) -> bool:
    return isinstance(value, dict) and value.get("masked") is True and "audience" in value


def _mask(audience: Audience, top: Audience) -> dict[str, Any]:
    return {
        "masked": True,
        "audience": audience.value,
        "reason": f"visible to {_WHO[audience]}; you are viewing as {top.value}",
    }


def rollup_to_dict(r: Rollup) -> dict[str, Any]:
    """The computed figures of a roll-up, JSON-ready (decimals as strings)."""

    def share(part: Decimal) -> str:
        return str(part / r.total_mass_kg)

    return {
        "total_mass_kg": str(r.total_mass_kg),
        "recycled_mass_kg": str(r.recycled_mass_kg),
        "recycled_share": share(r.recycled_mass_kg),
        "pre_consumer_share": share(r.pre_consumer_kg),
        "post_consumer_share": share(r.post_consumer_kg),
        "renewable_share": share(r.renewable_mass_kg),
        "hazardous_mass_kg": str(r.hazardous_mass_kg),
        "by_class": [
            {
                "material_class": t.material_class,
                "mass_kg": str(t.mass_kg),
                "recycled_mass_kg": str(t.recycled_mass_kg),
                "recycled_share": str(t.recycled_share),
            }
            for t in r.by_class.values()
        ],
        "contributions": [
            {
                "path": c.path,
                "ref": c.ref,
                "quantity": str(c.quantity),
                "mass_kg": str(c.mass_kg),
                "recycled_mass_kg": str(c.recycled_mass_kg),
            }
            for c in r.contributions
        ],
    }


def disclose(
    passport: Passport, viewer: Iterable[Audience], *, rollup: Rollup | None = None
) -> dict[str, Any]:
    """The passport as ``viewer`` may see it (``composition.rollup`` added when a roll-up is given)."""
    data = passport_to_dict(passport)
    if rollup is not None:
        data["composition"]["rollup"] = rollup_to_dict(rollup)
    rules = passport.disclosure_map()
    rules.setdefault("disclosure", Audience.OWNER)
    top_rank = max(RANK[a] for a in visible_audiences(viewer))
    top = next(a for a, r in RANK.items() if r == top_rank)
    memo: dict[str, Audience] = {}

    def walk(value: Any, path: str) -> Any:
        audience = memo.get(path)
        if audience is None:
            audience = memo[path] = effective_audience(path, rules)
        if RANK[audience] > top_rank:
            return _mask(audience, top)
        if isinstance(value, dict):
            return {k: walk(v, f"{path}.{k}") for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, path) for v in value]
        return value

    return {key: walk(value, key) for key, value in data.items()}
