"""Server-rendered SVG charts: bar, line and fan (P10–P90 bands).

Why our own and not a JS charting library: the pages must work offline and without scripts, charts must be
readable by screen readers (each SVG has a <title> and <desc>, and pages show the numbers in a table too),
and three chart types in ~150 lines are simpler than shipping and wiring a multi-megabyte bundle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

__all__ = ["Band", "Series", "bar_chart", "fan_chart", "line_chart"]

PALETTE = ("#1b7f5f", "#2f6db3", "#c4622d", "#7a4fa3", "#b08900", "#5b6b73")


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    points: Sequence[tuple[float, float | None]]  # (x, y); y None = missing, drawn as a gap
    color: str | None = None


@dataclass(frozen=True, slots=True)
class Band:
    name: str
    x: Sequence[float]
    low: Sequence[float]
    mid: Sequence[float]
    high: Sequence[float]
    color: str = "#2f6db3"


def _fmt(v: float) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10 or v == int(v):
        return f"{v:.0f}"
    return f"{v:.2g}" if abs(v) < 1 else f"{v:.1f}"


def _svg(width: int, height: int, title: str, desc: str, body: str) -> Markup:
    return Markup(  # noqa: S704  (every interpolated text is escaped above)
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="t d" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="inherit" font-size="12">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{body}</svg>"
    )


def bar_chart(items: Sequence[tuple[str, float]], *, title: str, unit: str = "", width: int = 560) -> Markup:
    """Horizontal bars, one per (label, value)."""
    bar_h, gap, label_w = 22, 8, 190
    height = len(items) * (bar_h + gap) + gap
    vmax = max((v for _, v in items), default=0) or 1
    plot_w = width - label_w - 70
    parts = []
    for i, (label, v) in enumerate(items):
        y = gap + i * (bar_h + gap)
        w = max(1.0, plot_w * v / vmax) if v else 0
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.7}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{PALETTE[0]}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.7}">{escape(_fmt(v))}{escape(unit)}</text>'
        )
    desc = "; ".join(f"{label}: {_fmt(v)}{unit}" for label, v in items)
    return _svg(width, height, title, desc, "".join(parts))


def _scale(lo: float, hi: float, a: float, b: float) -> tuple[float, float]:
    span = (hi - lo) or 1.0
    k = (b - a) / span
    return k, a - lo * k


def _axes(xs: Sequence[float], ys: Sequence[float], width: int, height: int, unit: str) -> tuple[str, object]:
    pad_l, pad_r, pad_t, pad_b = 56, 16, 12, 28
    xlo, xhi = min(xs), max(xs)
    ylo, yhi = min(0.0, min(ys)), max(ys) * 1.08 or 1.0
    kx, bx = _scale(xlo, xhi, pad_l, width - pad_r)
    ky, by = _scale(ylo, yhi, height - pad_b, pad_t)
    grid = []
    for i in range(5):
        yv = ylo + (yhi - ylo) * i / 4
        yy = ky * yv + by
        grid.append(
            f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#ddd"/>'
            f'<text x="{pad_l - 6}" y="{yy + 4:.1f}" text-anchor="end">{escape(_fmt(yv))}</text>'
        )
    ticks = sorted(set(xs))
    step = max(1, len(ticks) // 10)
    for xv in ticks[::step]:
        grid.append(f'<text x="{kx * xv + bx:.1f}" y="{height - 8}" text-anchor="middle">{xv:g}</text>')
    if unit:
        grid.append(f'<text x="4" y="{pad_t + 4}" font-size="11">{escape(unit)}</text>')

    def pt(x: float, y: float) -> str:
        return f"{kx * x + bx:.1f},{ky * y + by:.1f}"

    return "".join(grid), pt


def line_chart(
    series: Sequence[Series], *, title: str, unit: str = "", width: int = 560, height: int = 240
) -> Markup:
    xs = [x for s in series for x, _ in s.points]
    ys = [y for s in series for _, y in s.points if y is not None]
    if not xs or not ys:
        return _svg(width, 40, title, "no data", '<text x="8" y="24">—</text>')
    grid, pt = _axes(xs, ys, width, height, unit)
    body = [grid]
    for i, s in enumerate(series):
        color = s.color or PALETTE[i % len(PALETTE)]
        run: list[str] = []
        for x, y in [*s.points, (0.0, None)]:
            if y is None:
                if len(run) > 1:
                    body.append(
                        f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(run)}"/>'
                    )
                run = []
                continue
            p = pt(x, y)  # type: ignore[operator]
            run.append(p)
            cx, cy = p.split(",")
            body.append(
                f'<circle cx="{cx}" cy="{cy}" r="3" fill="{color}"><title>{escape(s.name)} {x:g}: '
                f"{escape(_fmt(y))}{escape(unit)}</title></circle>"
            )
    legend = (
        "".join(
            f'<text x="{60 + i * 150}" y="{height + 14}" fill="{s.color or PALETTE[i % len(PALETTE)]}" '
            f'font-size="11">■ {escape(s.name)}</text>'
            for i, s in enumerate(series)
        )
        if len(series) > 1
        else ""
    )
    desc = "; ".join(
        f"{s.name}: " + ", ".join(f"{x:g}={_fmt(y) if y is not None else 'missing'}" for x, y in s.points)
        for s in series
    )
    return _svg(width, height + (20 if legend else 0), title, desc, "".join(body) + legend)


def fan_chart(
    bands: Sequence[Band], *, title: str, unit: str = "", width: int = 560, height: int = 260
) -> Markup:
    """P10–P90 shaded band with the P50 line, one band per series."""
    xs = [x for b in bands for x in b.x]
    ys = [y for b in bands for y in (*b.low, *b.high)]
    if not xs:
        return _svg(width, 40, title, "no data", '<text x="8" y="24">—</text>')
    grid, pt = _axes(xs, ys, width, height, unit)
    body = [grid]
    for b in bands:
        upper = [pt(x, y) for x, y in zip(b.x, b.high, strict=True)]  # type: ignore[operator]
        lower = [pt(x, y) for x, y in zip(b.x, b.low, strict=True)][::-1]  # type: ignore[operator]
        mid = [pt(x, y) for x, y in zip(b.x, b.mid, strict=True)]  # type: ignore[operator]
        body.append(f'<polygon points="{" ".join(upper + lower)}" fill="{b.color}" fill-opacity="0.22"/>')
        body.append(f'<polyline fill="none" stroke="{b.color}" stroke-width="2" points="{" ".join(mid)}"/>')
    desc = "; ".join(
        f"{b.name}: "
        + ", ".join(
            f"{x:g}: P10 {_fmt(lo)}, P50 {_fmt(m)}, P90 {_fmt(h)}"
            for x, lo, m, h in zip(b.x, b.low, b.mid, b.high, strict=True)
        )
        for b in bands
    )
    return _svg(width, height, title, desc, "".join(body))
