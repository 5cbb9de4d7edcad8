"""Server-rendered SVG of a provenance trace: tiers as columns, lots as boxes, custody links as curves.

Upstream traces put the root on the right and its sources on the left (material flows left to right);
downstream traces put the root on the left. No script: the SVG carries a <title> per box for the details and
the page lists every lot in a table as well.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

from markupsafe import Markup

__all__ = ["provenance_svg"]

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 180, 46, 70, 14, 16
MAX_PER_TIER = 14
COLOURS = {"collect": "#1b7f5f", "receive": "#2f6db3", "masked": "#8a8f94"}


def provenance_svg(
    trace: Mapping[str, Any],
    *,
    org_name: Callable[[int], str],
    title: str,
    masked_label: str,
    kind_label: Callable[[str], str] = str,
) -> Markup:
    nodes: Sequence[Mapping[str, Any]] = trace["nodes"]
    upstream = trace["direction"] == "upstream"
    tiers: dict[int, list[Mapping[str, Any]]] = {}
    for n in nodes:
        tiers.setdefault(int(n["max_depth"]), []).append(n)
    depth = max(tiers) if tiers else 0
    rows = min(MAX_PER_TIER, max(len(v) for v in tiers.values()) if tiers else 1)
    width = PAD * 2 + (depth + 1) * BOX_W + depth * GAP_X
    height = PAD * 2 + rows * (BOX_H + GAP_Y) + 20
    pos: dict[int, tuple[float, float]] = {}
    parts: list[str] = []
    for d, group in sorted(tiers.items()):
        col = depth - d if upstream else d
        x = float(PAD + col * (BOX_W + GAP_X))
        group = sorted(group, key=lambda n: -float(n["share"]))
        shown = group[:MAX_PER_TIER]
        top = PAD + (rows - len(shown)) * (BOX_H + GAP_Y) / 2
        for i, n in enumerate(shown):
            y = top + i * (BOX_H + GAP_Y)
            pos[int(n["index"])] = (x, y)
        if len(group) > len(shown):
            parts.append(f'<text x="{x}" y="{height - 6}" font-size="11">+{len(group) - len(shown)} …</text>')
    for e in trace["edges"]:
        a, b = int(e["parent"]), int(e["child"])
        if a not in pos or b not in pos:
            continue
        (x1, y1), (x2, y2) = pos[a], pos[b]
        # material flows parent -> child: from the parent's right edge to the child's left edge
        sx, sy, tx, ty = x1 + BOX_W, y1 + BOX_H / 2, x2, y2 + BOX_H / 2
        if sx > tx:  # downstream layout draws children to the right as well; keep arrows left-to-right
            sx, tx = x1, x2 + BOX_W
        mid = (sx + tx) / 2
        parts.append(
            f'<path d="M{sx:.0f},{sy:.0f} C{mid:.0f},{sy:.0f} {mid:.0f},{ty:.0f} {tx:.0f},{ty:.0f}" '
            f'fill="none" stroke="#9aa8ae" stroke-width="1.4" marker-end="url(#arrow)"/>'
        )
    for n in nodes:
        i = int(n["index"])
        if i not in pos:
            continue
        x, y = pos[i]
        colour = COLOURS.get(str(n["source_kind"]), "#c4622d")
        who = org_name(int(n["org_id"]))
        label = f"{who} ({masked_label})" if n["masked"] else str(n["lot"])
        share = f"{float(n['share']) * 100:.1f} %"
        kind = kind_label(str(n["source_kind"]))
        tip = f"{who} · {n['material']} · {kind} · {share}"
        stroke = ' stroke="#1d2a2f" stroke-width="2"' if n["max_depth"] == 0 else ""
        if n["masked"]:
            stroke = ' stroke="#8a8f94" stroke-dasharray="4 3"'
        parts.append(
            f"<g><title>{escape(tip)}</title>"
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#fff"{stroke}/>'
            f'<rect x="{x}" y="{y}" width="6" height="{BOX_H}" rx="3" fill="{colour}"/>'
            f'<text x="{x + 12}" y="{y + 18}" font-size="12">{escape(_cut(label, 26))}</text>'
            f'<text x="{x + 12}" y="{y + 36}" font-size="11" fill="#5b6b73">{escape(_cut(kind, 10))} · '
            f"{escape(_cut(str(n['material']), 10))} · {share}</text></g>"
        )
    defs = (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#9aa8ae"/></marker></defs>'
    )
    desc = "; ".join(
        f"{org_name(int(n['org_id']))} {n['material']} ({n['source_kind']}): {float(n['share']) * 100:.1f} %"
        for n in nodes[:50]
    )
    return Markup(  # noqa: S704  (every interpolated text is escaped)
        f'<svg class="graph" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="g-t g-d" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="inherit" style="background:#f6f8f7">'
        f'<title id="g-t">{escape(title)}</title><desc id="g-d">{escape(desc)}</desc>'
        f"{defs}{''.join(parts)}</svg>"
    )


def _cut(text: str, n: int) -> str:
    """At most ``n`` narrow-character widths (CJK characters count twice), with an ellipsis."""
    used, out = 0, list[str]()
    for ch in text:
        used += 2 if ord(ch) > 0x2E80 else 1
        if used > n:
            return "".join(out) + "…"
        out.append(ch)
    return text
