"""Member-directory statistics in the shape of the Circular Partners registry table.

The registry counts small businesses inside SMEs and SMEs inside companies: on 19 March 2025, 645 members
= 521 companies (200 large + 321 SMEs, of which 88 small) + 32 associations + 26 municipalities + 24
universities/research bodies + 42 related organisations (METI deck, p. 3).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from junkan.members.model import OrgKind

__all__ = ["DirectoryStats", "directory_stats"]


@dataclass(frozen=True, slots=True)
class DirectoryStats:
    total: int
    companies: int
    large: int
    smes: int
    small: int
    associations: int
    municipalities: int
    universities: int
    related: int
    authorities: int

    def rows(self) -> list[tuple[str, int, int]]:
        """(key, count, indent level) rows in the registry's order, for tables and charts."""
        return [
            ("total", self.total, 0),
            ("companies", self.companies, 1),
            ("large", self.large, 2),
            ("smes", self.smes, 2),
            ("small", self.small, 3),
            ("associations", self.associations, 1),
            ("municipalities", self.municipalities, 1),
            ("universities", self.universities, 1),
            ("related", self.related, 1),
        ]


def directory_stats(kinds: Iterable[OrgKind]) -> DirectoryStats:
    """Count members by type. Regulators and certifiers use the platform but are not partnership
    members, so they are reported apart and not in ``total``."""
    c = Counter(kinds)
    small = c[OrgKind.COMPANY_SMALL]
    smes = c[OrgKind.COMPANY_SME] + small
    large = c[OrgKind.COMPANY_LARGE]
    companies = large + smes
    members = companies + sum(
        c[k] for k in (OrgKind.ASSOCIATION, OrgKind.MUNICIPALITY, OrgKind.UNIVERSITY, OrgKind.RELATED)
    )
    return DirectoryStats(
        total=members,
        companies=companies,
        large=large,
        smes=smes,
        small=small,
        associations=c[OrgKind.ASSOCIATION],
        municipalities=c[OrgKind.MUNICIPALITY],
        universities=c[OrgKind.UNIVERSITY],
        related=c[OrgKind.RELATED],
        authorities=c[OrgKind.REGULATOR] + c[OrgKind.CERTIFIER],
    )
