"""Recommendations: rank the eight circulation methods for one region, with reasons an officer can follow.

For each method the ranking looks at four things, in this order of weight:

1. Feasibility — every *required* precondition must hold (otherwise the method is listed last with the
   failed condition); soft preconditions add to the score by the share that holds; missing data counts half.
2. Expected effect at the catalogue's mode values and a default participation of 50 %: tonnes diverted,
   GHG avoided, net cost and jobs (``expected_effects``), normalised across the eight methods.
3. Elements: which legend elements the region already has (features named after element ids) and which
   it would have to build.
4. Peers: regions of the same type that already run the method (the caller passes peers and their methods).

Score = 0.4 × feasibility + 0.35 × effect + 0.1 × element coverage + 0.15 × peer adoption (0-1 each).
The weights are arguments, not constants, so a municipality can argue for different priorities.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from junkan.regions.methods import Catalogue, Method, PreconditionCheck, RegionFacts, check_preconditions

__all__ = ["Effects", "Recommendation", "expected_effects", "recommend"]

DEFAULT_WEIGHTS = {"feasibility": 0.4, "effect": 0.35, "elements": 0.1, "peers": 0.15}


@dataclass(frozen=True, slots=True)
class Effects:
    tonnes: float
    ghg_t: float
    net_cost_jpy: float
    jobs: float


@dataclass(frozen=True, slots=True)
class Recommendation:
    rank: int
    method: Method
    score: float
    feasible: bool
    checks: tuple[PreconditionCheck, ...]
    elements_present: tuple[str, ...]
    elements_missing: tuple[str, ...]
    effects: Effects
    peers_running: tuple[str, ...]
    reasons_ja: tuple[str, ...]
    reasons_en: tuple[str, ...]


def expected_effects(method: Method, generated_t: float, participation: float = 0.5) -> Effects:
    """Steady-state yearly effect at the catalogue's mode values."""
    t = generated_t * method.share_of_generated * participation * method.capture_rate.mode
    return Effects(
        t, t * method.ghg_t_per_t.mode, t * method.cost_jpy_per_t.mode, t / 1000 * method.jobs_per_1000t.mode
    )


def _norm(values: Sequence[float]) -> list[float]:
    lo, hi = min(values), max(values)
    return [0.5 if hi == lo else (v - lo) / (hi - lo) for v in values]


def recommend(
    catalogue: Catalogue,
    facts: RegionFacts,
    *,
    generated_t: float,
    present_elements: frozenset[str] = frozenset(),
    peers: Mapping[str, frozenset[str]] | None = None,
    peer_names: Mapping[str, str] | None = None,
    weights: Mapping[str, float] | None = None,
) -> list[Recommendation]:
    """Rank all methods for a region; ``peers`` maps similar regions' codes to the methods they run."""
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    peers = peers or {}
    names = peer_names or {}
    effects = [expected_effects(m, generated_t) for m in catalogue.methods]
    benefit = [
        0.4 * g + 0.3 * t + 0.2 * j + 0.1 * (1 - c)
        for g, t, j, c in zip(
            _norm([e.ghg_t for e in effects]),
            _norm([e.tonnes for e in effects]),
            _norm([e.jobs for e in effects]),
            _norm([e.net_cost_jpy for e in effects]),
            strict=True,
        )
    ]
    n_peers = max(1, len(peers))
    drafts = []
    for m, eff, ben in zip(catalogue.methods, effects, benefit, strict=True):
        checks = check_preconditions(m, facts)
        failed = [c for c in checks if c.precondition.required and c.holds is False]
        soft = [1.0 if c.holds else 0.5 if c.holds is None else 0.0 for c in checks]
        feas = 0.0 if failed else (sum(soft) / len(soft) if soft else 1.0)
        present = tuple(e for e in m.elements if e in present_elements)
        missing = tuple(e for e in m.elements if e not in present_elements)
        running = tuple(sorted(code for code, ms in peers.items() if m.id in ms))
        score = (
            w["feasibility"] * feas
            + w["effect"] * ben
            + w["elements"] * (len(present) / len(m.elements) if m.elements else 0.0)
            + w["peers"] * len(running) / n_peers
        )
        ja, en = [], []
        for c in checks:
            mark = "○" if c.holds else "△(データなし)" if c.holds is None else "×"
            ja.append(f"{mark} {c.precondition.label_ja}({c.detail})")
            state = "holds" if c.holds else "unknown (no data)" if c.holds is None else "does not hold"
            en.append(f"{c.precondition.label_en}: {state} ({c.detail})")
        els = catalogue.elements
        if missing:
            ja.append("不足する要素: " + "、".join(els[e].name_ja for e in missing))
            en.append("Missing elements: " + "; ".join(els[e].name_en for e in missing))
        ja.append(
            f"想定効果(参加率50%・最頻値): {eff.tonnes:,.0f} t/年、GHG {eff.ghg_t:,.0f} t-CO2e/年、"
            f"費用 {eff.net_cost_jpy / 1e6:,.1f} 百万円/年、雇用 {eff.jobs:,.1f} 人"
        )
        en.append(
            f"Expected effect (50 % participation, mode values): {eff.tonnes:,.0f} t/yr, "
            f"GHG {eff.ghg_t:,.0f} t CO2e/yr, cost JPY {eff.net_cost_jpy / 1e6:,.1f} M/yr, "
            f"{eff.jobs:,.1f} jobs"
        )
        if running:
            shown = ", ".join(names.get(c, c) for c in running)
            ja.append(f"同類型で実施中の地域: {shown}")
            en.append(f"Similar regions running it: {shown}")
        if failed:
            ja.insert(0, "必須条件を満たさないため現状では推奨しません")
            en.insert(0, "Not recommended now: a required precondition does not hold")
        drafts.append((not failed, score, m, checks, present, missing, eff, running, tuple(ja), tuple(en)))
    drafts.sort(key=lambda d: (not d[0], -d[1], d[2].number))
    return [
        Recommendation(i + 1, d[2], round(d[1], 4), d[0], d[3], d[4], d[5], d[6], d[7], d[8], d[9])
        for i, d in enumerate(drafts)
    ]
