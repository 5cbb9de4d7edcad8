"""Component graphs: the passports a passport's components resolve to, and its roll-up over them.

A component refers to another passport by id. It resolves to that passport's newest *published* version
(withdrawn counts, drafts never — except the owner's own drafts while the referring passport is itself a
draft, so a whole assembly can be drafted at once). Publishing *pins* each component to the version it
resolved to, so a published passport's roll-up never changes afterwards.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from junkan.errors import InvalidInput
from junkan.passports.composition import Rollup, rollup
from junkan.passports.model import Passport
from junkan.store.passports_repo import PassportRow, PassportsRepo

__all__ = ["Graph", "checked_rollup", "load_graph"]


@dataclass(frozen=True, slots=True)
class Graph:
    """The passports a root's components resolve to, by id (first resolution of an id wins)."""

    rows: dict[str, PassportRow]

    def resolve(self, passport_id: str) -> Passport | None:
        row = self.rows.get(passport_id)
        return row.passport if row is not None else None

    def key(self) -> str:
        """A digest of exactly which versions were used (part of draft ETags)."""
        text = ",".join(sorted(f"{pid}/{r.passport.version}" for pid, r in self.rows.items()))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_graph(
    repo: PassportsRepo,
    root: Passport,
    *,
    pins: Sequence[int | None] | None = None,
    drafts_of: int | None = None,
) -> Graph:
    """Resolve every component below ``root`` level by level (one query per level and kind).

    Pinned edges load the pinned version; unpinned ones the newest non-draft version (or, for passports of
    ``drafts_of``, the newest version whatever its status).
    """
    comps = root.composition.components
    frontier = list(zip((c.passport_id for c in comps), pins or [None] * len(comps), strict=True))
    rows: dict[str, PassportRow] = {}
    while frontier:
        pinned = {(pid, v) for pid, v in frontier if v is not None and pid not in rows}
        floating = {pid for pid, v in frontier if v is None and pid not in rows}
        new: list[PassportRow] = []
        for (pid, _), row in sorted(repo.get_many(pinned).items()):
            if pid not in rows:
                rows[pid] = row
                new.append(row)
        floating -= set(rows)
        for pid, row in sorted(repo.current_many(floating, drafts_of=drafts_of).items()):
            rows[pid] = row
            new.append(row)
        edges = repo.pins(r.pk for r in new)
        frontier = [edge for r in new for edge in edges[r.pk]]
    return Graph(rows)


def checked_rollup(passport: Passport, graph: Graph) -> Rollup:
    """The roll-up, refusing missing components and cycles with the component's field named."""
    try:
        return rollup(passport, graph.resolve)
    except InvalidInput as e:
        if e.code == "component_not_found":
            raise InvalidInput(
                e.message.replace("was not found", "was not found or is not published"),
                code=e.code,
                field=e.field,
            ) from None
        raise
