"""Roll-ups over the bill of materials: total mass, recycled content, renewable and hazardous content.

A passport's composition lists its own materials and its components, each a reference to another passport
with a quantity. Every figure here is computed from the leaves, never typed in:

    total mass        M = Σ_materials m + Σ_components q · M(child)
    recycled mass     R = Σ_materials m · (pre + post) + Σ_components q · R(child)
    recycled share    R / M  (ISO 14021 §7.8: recycled content as a mass percentage of the product)

and the same per material class (e.g. the recycled PP share of a washing machine through its tub and
housing). Every roll-up can explain itself (formula, inputs with units, per-component contributions).

The traversal is iterative (no recursion limit for deep assemblies) and memoised per passport version,
so a part used in many places is summed once; a cycle (A contains B contains A) is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from junkan.errors import InvalidInput, RuleViolation
from junkan.passports.model import Material, Passport

__all__ = [
    "ClassTotals",
    "Contribution",
    "Explanation",
    "ExplanationInput",
    "LeafMaterial",
    "Resolver",
    "Rollup",
    "RollupCache",
    "find_cycle",
    "leaf_materials",
    "resolver_from",
    "rollup",
]

#: Looks a component's passport up by its id (the service decides which version: usually the published one).
Resolver = Callable[[str], Passport | None]

_ZERO = Decimal(0)
_ONE = Decimal(1)
# Index of each running total in an accumulator list.
_TOTAL, _PRE, _POST, _RENEW, _HAZ, _SVHC = range(6)


@dataclass(frozen=True, slots=True)
class ClassTotals:
    """Masses of one material class (kg)."""

    material_class: str
    mass_kg: Decimal
    pre_consumer_kg: Decimal
    post_consumer_kg: Decimal

    @property
    def recycled_mass_kg(self) -> Decimal:
        return self.pre_consumer_kg + self.post_consumer_kg

    @property
    def recycled_share(self) -> Decimal:
        return self.recycled_mass_kg / self.mass_kg if self.mass_kg else _ZERO


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one direct material line or component brings to the parent (already × quantity)."""

    path: str
    ref: str
    quantity: Decimal
    mass_kg: Decimal
    recycled_mass_kg: Decimal
    hazardous_mass_kg: Decimal
    by_class: Mapping[str, ClassTotals]


@dataclass(frozen=True, slots=True)
class ExplanationInput:
    name: str
    value: Decimal
    unit: str
    source: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """How a figure was computed, so a user (or an auditor) can redo it by hand."""

    figure: str
    value: Decimal
    unit: str
    formula: str
    inputs: tuple[ExplanationInput, ...]
    contributions: tuple[Contribution, ...]
    sources: tuple[str, ...] = ("ISO 14021:2016 §7.8 (recycled content)",)


@dataclass(frozen=True, slots=True)
class Rollup:
    """The computed totals of one passport (per one unit of it)."""

    passport_id: str
    version: int
    total_mass_kg: Decimal
    pre_consumer_kg: Decimal
    post_consumer_kg: Decimal
    renewable_mass_kg: Decimal
    hazardous_mass_kg: Decimal
    svhc_mass_kg: Decimal
    by_class: Mapping[str, ClassTotals]
    contributions: tuple[Contribution, ...] = field(default=())

    @property
    def recycled_mass_kg(self) -> Decimal:
        return self.pre_consumer_kg + self.post_consumer_kg

    @property
    def recycled_share(self) -> Decimal:
        return self.recycled_mass_kg / self.total_mass_kg

    def class_share(self, material_class: str) -> Decimal:
        totals = self.by_class.get(material_class)
        return totals.recycled_share if totals else _ZERO

    def explain(self, figure: str, material_class: str | None = None) -> Explanation:
        """Explain ``total_mass_kg``, ``recycled_share`` (optionally of a class) or ``hazardous_mass_kg``."""
        src = f"passport {self.passport_id} v{self.version}"
        if figure == "total_mass_kg":
            return Explanation(
                figure,
                self.total_mass_kg,
                "kg",
                "M = Σ material mass + Σ component quantity × component mass",
                (ExplanationInput("total mass", self.total_mass_kg, "kg", src),),
                self.contributions,
                ("bill of materials as declared in the passports",),
            )
        if figure == "hazardous_mass_kg":
            return Explanation(
                figure,
                self.hazardous_mass_kg,
                "kg",
                "H = Σ hazardous material mass × concentration (whole mass if no concentration is given)",
                (ExplanationInput("hazardous mass", self.hazardous_mass_kg, "kg", src),),
                self.contributions,
                ("REACH Art. 33 / Art. 57 (substances of very high concern)",),
            )
        if figure != "recycled_share":
            raise InvalidInput(
                f"no explanation for {figure!r}; ask for total_mass_kg, recycled_share or hazardous_mass_kg",
                code="unknown_figure",
                field="figure",
            )
        if material_class is None:
            mass, pre, post, label = self.total_mass_kg, self.pre_consumer_kg, self.post_consumer_kg, "all"
        else:
            t = self.by_class.get(material_class) or ClassTotals(material_class, _ZERO, _ZERO, _ZERO)
            mass, pre, post, label = t.mass_kg, t.pre_consumer_kg, t.post_consumer_kg, material_class
        value = (pre + post) / mass if mass else _ZERO
        return Explanation(
            figure if material_class is None else f"recycled_share[{material_class}]",
            value,
            "1",
            f"share = (Σ pre-consumer + Σ post-consumer recycled mass of {label}) / Σ mass of {label}",
            (
                ExplanationInput(f"mass of {label}", mass, "kg", src),
                ExplanationInput(f"pre-consumer recycled mass of {label}", pre, "kg", src),
                ExplanationInput(f"post-consumer recycled mass of {label}", post, "kg", src),
            ),
            self.contributions,
        )


class RollupCache(dict[str, tuple[list[Decimal], dict[str, list[Decimal]]]]):
    """Memo of accumulated totals per passport version (``Passport.key``); share it across calls."""


def _own(materials: tuple[Material, ...]) -> tuple[list[Decimal], dict[str, list[Decimal]]]:
    # Hot loop of the roll-up: locals instead of list slots, and no multiplication by a zero share.
    total = pre_t = post_t = renew_t = haz_t = svhc_t = _ZERO
    classes: dict[str, list[Decimal]] = {}
    for m in materials:
        mass = m.mass_kg
        pre = mass * m.recycled_pre_consumer if m.recycled_pre_consumer else _ZERO
        post = mass * m.recycled_post_consumer if m.recycled_post_consumer else _ZERO
        total += mass
        pre_t += pre
        post_t += post
        if m.renewable_share:
            renew_t += mass * m.renewable_share
        if m.hazardous:
            haz = mass * m.concentration if m.concentration is not None else mass
            haz_t += haz
            if m.svhc:
                svhc_t += haz
        row = classes.get(m.material_class)
        if row is None:
            classes[m.material_class] = [mass, pre, post]
        else:
            row[0] += mass
            row[1] += pre
            row[2] += post
    return [total, pre_t, post_t, renew_t, haz_t, svhc_t], classes


def _add(
    acc: list[Decimal],
    classes: dict[str, list[Decimal]],
    child: tuple[list[Decimal], dict[str, list[Decimal]]],
    q: Decimal,
) -> None:
    c_acc, c_classes = child
    one = q == _ONE
    a0, a1, a2, a3, a4, a5 = c_acc
    if one:
        acc[0] += a0
        acc[1] += a1
        acc[2] += a2
        acc[3] += a3
        acc[4] += a4
        acc[5] += a5
    else:
        acc[0] += a0 * q
        acc[1] += a1 * q
        acc[2] += a2 * q
        acc[3] += a3 * q if a3 else _ZERO
        acc[4] += a4 * q if a4 else _ZERO
        acc[5] += a5 * q if a5 else _ZERO
    for name, (m, pre, post) in c_classes.items():
        if not one:
            m, pre, post = m * q, pre * q, post * q
        row = classes.get(name)
        if row is None:
            classes[name] = [m, pre, post]
        else:
            row[0] += m
            row[1] += pre
            row[2] += post


def _resolve(resolve: Resolver, node: Passport, i: int) -> Passport:
    ref = node.composition.components[i].passport_id
    child = resolve(ref)
    if child is None:
        raise InvalidInput(
            f"component passport {ref!r} of {node.id!r} was not found; publish it first or fix the reference",
            code="component_not_found",
            field=f"composition.components[{i}].passport_id",
            extra={"passport_id": node.id},
        )
    return child


def _cycle_error(path: list[str], node: Passport, i: int, child: Passport) -> RuleViolation:
    chain = " → ".join([*path[path.index(child.id) :], child.id])
    return RuleViolation(
        f"component cycle {chain}: a passport cannot contain itself, directly or through its parts; "
        f"remove component {child.id!r} from {node.id!r}",
        code="component_cycle",
        field=f"composition.components[{i}].passport_id",
        extra={"cycle": [*path[path.index(child.id) :], child.id]},
    )


@dataclass(slots=True)
class _Graph:
    """The passport versions below a root: post-order keys (children first, root last), each version's
    resolved components as (key, quantity), and the passports by key."""

    order: list[str]
    kids: dict[str, list[tuple[str, Decimal]]]
    nodes: dict[str, Passport]


def _walk(root: Passport, resolve: Resolver) -> _Graph:
    """Resolve every component once per edge, in an iterative post-order DFS (no recursion limit).

    A version reached twice (a shared part) is walked once; a passport id met again on the current path is
    a cycle and refused (the grey set is ``on_path``).
    """
    root_key = root.key
    nodes: dict[str, Passport] = {root_key: root}
    kids: dict[str, list[tuple[str, Decimal]]] = {}
    order: list[str] = []
    # Frames are lists [passport, key, next component index, resolved (key, quantity) so far].
    stack: list[list[Any]] = [[root, root_key, 0, []]]
    path: list[str] = [root.id]
    on_path = {root.id}
    while stack:
        frame = stack[-1]
        node, key, i, got = frame
        comps = node.composition.components
        if i < len(comps):
            frame[2] = i + 1
            child = _resolve(resolve, node, i)
            if child.id in on_path:
                raise _cycle_error(path, node, i, child)
            child_key = child.key
            got.append((child_key, comps[i].quantity))
            if child_key not in nodes:
                nodes[child_key] = child
                stack.append([child, child_key, 0, []])
                path.append(child.id)
                on_path.add(child.id)
            continue
        stack.pop()
        path.pop()
        on_path.discard(node.id)
        kids[key] = got
        order.append(key)
    return _Graph(order, kids, nodes)


def _accumulate(root: Passport, resolve: Resolver, cache: RollupCache) -> list[Passport]:
    """Fill ``cache`` for ``root`` and everything below it; return root's resolved direct children."""
    # Each frame: [passport, its key, resolved children, their keys]: keys are built once per version
    # (``Passport.key`` formats a string), not once per look-up. Iterative post-order DFS, grey set on ids.
    root_key = root.key
    stack: list[list[Any]] = [[root, root_key, [], []]]
    path: list[str] = [root.id]
    on_path = {root.id}
    root_children: list[Passport] = []
    while stack:
        node, key, children, keys = stack[-1]
        comps = node.composition.components
        if len(children) < len(comps):
            i = len(children)
            child = _resolve(resolve, node, i)
            if child.id in on_path:
                raise _cycle_error(path, node, i, child)
            child_key = child.key
            children.append(child)
            keys.append(child_key)
            if child_key not in cache:
                stack.append([child, child_key, [], []])
                path.append(child.id)
                on_path.add(child.id)
            continue
        stack.pop()
        path.pop()
        on_path.discard(node.id)
        if node is root:
            root_children = children
        acc, classes = _own(node.composition.materials)
        for comp, child_key in zip(comps, keys, strict=True):
            _add(acc, classes, cache[child_key], comp.quantity)
        cache[key] = (acc, classes)
    return root_children


def _class_totals(classes: Mapping[str, list[Decimal]]) -> dict[str, ClassTotals]:
    return {name: ClassTotals(name, row[0], row[1], row[2]) for name, row in sorted(classes.items())}


def rollup(passport: Passport, resolve: Resolver, *, cache: RollupCache | None = None) -> Rollup:
    """Roll the bill of materials of ``passport`` up to its leaves (per one unit of the passport)."""
    memo = cache if cache is not None else RollupCache()
    memo.pop(passport.key, None)  # the root may be a draft that changed since it was cached
    children = _accumulate(passport, resolve, memo)
    acc, classes = memo[passport.key]
    if acc[_TOTAL] <= 0:
        raise RuleViolation(
            f"passport {passport.id!r} has no mass; add materials with a mass or components",
            code="composition_empty",
            field="composition",
        )
    contributions: list[Contribution] = []
    for i, m in enumerate(passport.composition.materials):
        m_acc, m_classes = _own((m,))
        contributions.append(
            Contribution(
                f"materials[{i}]",
                m.name,
                _ONE,
                m_acc[_TOTAL],
                m_acc[_PRE] + m_acc[_POST],
                m_acc[_HAZ],
                _class_totals(m_classes),
            )
        )
    for i, (comp, child) in enumerate(zip(passport.composition.components, children, strict=True)):
        c_acc, c_classes = memo[child.key]
        scaled: list[Decimal] = [_ZERO] * 6
        scaled_classes: dict[str, list[Decimal]] = {}
        _add(scaled, scaled_classes, (c_acc, c_classes), comp.quantity)
        contributions.append(
            Contribution(
                f"components[{i}]",
                comp.passport_id,
                comp.quantity,
                scaled[_TOTAL],
                scaled[_PRE] + scaled[_POST],
                scaled[_HAZ],
                _class_totals(scaled_classes),
            )
        )
    return Rollup(
        passport_id=passport.id,
        version=passport.version,
        total_mass_kg=acc[_TOTAL],
        pre_consumer_kg=acc[_PRE],
        post_consumer_kg=acc[_POST],
        renewable_mass_kg=acc[_RENEW],
        hazardous_mass_kg=acc[_HAZ],
        svhc_mass_kg=acc[_SVHC],
        by_class=_class_totals(classes),
        contributions=tuple(contributions),
    )


def find_cycle(passport: Passport, resolve: Resolver) -> list[str] | None:
    """The ids along a component cycle reachable from ``passport`` (first id repeated at the end), or None."""
    try:
        _accumulate(passport, resolve, RollupCache())
    except RuleViolation as exc:
        if exc.code == "component_cycle":
            return list(exc.extra["cycle"])
        raise
    return None


def resolver_from(passports: Mapping[str, Passport] | MutableMapping[str, Passport]) -> Resolver:
    """A resolver over an in-memory mapping id → passport (tests, imports, the demo world)."""
    return passports.get


@dataclass(frozen=True, slots=True)
class LeafMaterial:
    """A material line of the whole assembly, summed over every place it occurs (masses per one unit)."""

    name: str
    material_class: str
    cas: str | None
    origin_country: str | None
    hazardous: bool
    mass_kg: Decimal
    recycled_mass_kg: Decimal


def leaf_materials(passport: Passport, resolve: Resolver) -> list[LeafMaterial]:
    """Every leaf material of the assembly with its mass × the product of quantities above it, merged by
    (name, class, CAS, origin, hazardous). Cycles and missing components are refused as in :func:`rollup`.

    Linear in the size of the graph: one multiplier per passport version (the sum over its paths of the
    product of quantities), pushed down in topological order, then each version's materials once."""
    graph = _walk(passport, resolve)
    multiplier: dict[str, Decimal] = {passport.key: _ONE}
    merged: dict[tuple[str, str, str | None, str | None, bool], list[Decimal]] = {}
    for key in reversed(graph.order):
        factor = multiplier.pop(key, _ZERO)
        for m in graph.nodes[key].composition.materials:
            row = merged.setdefault(
                (m.name, m.material_class, m.cas, m.origin_country, m.hazardous), [_ZERO, _ZERO]
            )
            row[0] += m.mass_kg * factor
            row[1] += m.mass_kg * m.recycled_share * factor
        for child, q in graph.kids[key]:
            multiplier[child] = multiplier.get(child, _ZERO) + factor * q
    return [LeafMaterial(k[0], k[1], k[2], k[3], k[4], v[0], v[1]) for k, v in merged.items()]
