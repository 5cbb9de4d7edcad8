"""Benchmark: roll-up of a 5-level bill of materials with 10,000 leaf components.

Levels: root → 10 modules → 100 assemblies → 1,000 sub-assemblies → 10,000 leaf parts (11,110 component
links, 3 materials per leaf, 1 per intermediate node; 41,110 material lines). The roll-up computes total
mass, pre/post-consumer recycled mass, renewable and hazardous mass and per-class totals, all in Decimal.

Baseline, measured in the same run: a hand-written loop over the *already flattened* list of the same
leaf material lines (mass × product of quantities precomputed), summing total and recycled mass per class
in Decimal — the least work any roll-up must do. ``ratio Y/X`` = baseline / roll-up (1.0 = as fast as the
flat loop; below 1 means the roll-up pays that much for walking the graph and resolving references).

Run: ``.venv/bin/python bench/passports_rollup.py``
"""

from __future__ import annotations

import statistics
import time
from decimal import Decimal

import numpy as np

from junkan.passports.composition import rollup
from junkan.passports.model import (
    Component,
    Composition,
    Identity,
    Kind,
    Level,
    LocalizedText,
    Material,
    Passport,
)

FANOUT = (10, 10, 10, 10)  # 4 levels below the root = 5 levels
CLASSES = ("PP", "steel", "copper", "ABS", "glass")
RUNS = 7


def _passport(pid: str, materials: tuple[Material, ...], components: tuple[Component, ...]) -> Passport:
    identity = Identity(
        name=LocalizedText("部品", "part"),
        category_scheme="hs",
        category_code="845090",
        local_id=pid,
        local_scheme="https://bench.junkan.example/ids",
    )
    return Passport(
        id=pid,
        issuer="bench",
        kind=Kind.PRODUCT,
        level=Level.MODEL,
        identity=identity,
        composition=Composition(materials, components),
    )


def _material(i: int) -> Material:
    return Material(
        name=f"m{i}",
        material_class=CLASSES[i % len(CLASSES)],
        mass_kg=Decimal(i % 97 + 1) / 1000,
        recycled_pre_consumer=Decimal(i % 3) / 10,
        recycled_post_consumer=Decimal(i % 5) / 10,
        hazardous=i % 11 == 0,
    )


def build() -> tuple[Passport, dict[str, Passport], list[tuple[Material, Decimal]]]:
    graph: dict[str, Passport] = {}
    flat: list[tuple[Material, Decimal]] = []
    counter = iter(range(10**9))

    def make(level: int, multiplier: Decimal) -> str:
        pid = f"n{next(counter)}"
        if level == len(FANOUT):
            materials = tuple(_material(next(counter)) for _ in range(3))
            components: tuple[Component, ...] = ()
        else:
            materials = (_material(next(counter)),)
            qty = Decimal(1 + level % 2)  # quantities 1 and 2 alternate by level
            children = [make(level + 1, multiplier * qty) for _ in range(FANOUT[level])]
            components = tuple(Component(child, qty) for child in children)
        flat.extend((m, multiplier) for m in materials)
        graph[pid] = _passport(pid, materials, components)
        return pid

    root = graph[make(0, Decimal(1))]
    return root, graph, flat


def baseline(flat: list[tuple[Material, Decimal]]) -> tuple[Decimal, Decimal, dict[str, list[Decimal]]]:
    total = recycled = Decimal(0)
    by_class: dict[str, list[Decimal]] = {}
    for m, factor in flat:
        mass = m.mass_kg * factor
        rec = mass * (m.recycled_pre_consumer + m.recycled_post_consumer)
        total += mass
        recycled += rec
        row = by_class.setdefault(m.material_class, [Decimal(0), Decimal(0)])
        row[0] += mass
        row[1] += rec
    return total, recycled, by_class


def _median_ms(fn: object, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    root, graph, flat = build()
    links = sum(len(p.composition.components) for p in graph.values())
    leaves = sum(1 for p in graph.values() if not p.composition.components)
    print(f"BOM: {len(graph)} passports, {links} component links, {leaves} leaf components, ", end="")
    print(f"{len(flat)} material lines")

    result = rollup(root, graph.get)
    total, recycled, by_class = baseline(flat)
    assert result.total_mass_kg == total, "roll-up disagrees with baseline"
    assert result.recycled_mass_kg == recycled, "roll-up disagrees with baseline"
    assert all(result.by_class[k].mass_kg == v[0] for k, v in by_class.items())

    masses = np.array([float(m.mass_kg * f) for m, f in flat])
    shares = np.array([float(m.recycled_share) for m, _ in flat])
    x = _median_ms(lambda: rollup(root, graph.get))
    y = _median_ms(lambda: baseline(flat))
    z = _median_ms(lambda: (masses.sum(), (masses * shares).sum()))
    print(f"recycled share {result.recycled_share:.6f}, total mass {result.total_mass_kg} kg")
    print(f"rollup median {x:.2f} ms, baseline {y:.2f} ms, ratio Y/X {y / x:.2f}")
    print(f"(numpy float64 flat sum, no classes, no Decimal: {z:.3f} ms — a floor, not like-for-like)")


if __name__ == "__main__":
    main()
