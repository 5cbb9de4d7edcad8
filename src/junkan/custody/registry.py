"""The network-wide claim registry: nothing can be claimed twice anywhere in the network.

Every credit gets a network-unique id when it is issued (the id of the credit entry, which names the input
event). Credits may move between accounts (with shipped lots) but keep their id, so the registry can refuse
a second use of the same gram wherever it is attempted. Claims are also registered per output lot and
characteristic, so two accounts can never together claim more than a lot weighs (ISO 22095 clause 9.4:
claims must not exceed the specified-characteristic material available).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from junkan.custody.model import Characteristic, kg
from junkan.errors import Conflict, RuleViolation

__all__ = ["ClaimRegistry"]


@dataclass(slots=True)
class ClaimRegistry:
    issued: dict[str, int] = field(default_factory=dict)
    used: dict[str, int] = field(default_factory=dict)
    lot_claimed: dict[tuple[str, Characteristic], int] = field(default_factory=dict)
    lot_claims: dict[tuple[str, Characteristic], list[str]] = field(default_factory=dict)

    def issue(self, credit_id: str, grams: int) -> None:
        if credit_id in self.issued:
            raise Conflict(
                f"credit '{credit_id}' was already issued; credit ids are network-unique, use a new entry id",
                code="credit_id_reused",
                field="entry_id",
            )
        self.issued[credit_id] = grams

    def check_use(self, allocations: Sequence[tuple[str, int]]) -> None:
        for credit_id, grams in allocations:
            left = self.issued.get(credit_id, 0) - self.used.get(credit_id, 0)
            if grams > left:
                raise RuleViolation(
                    f"credit '{credit_id}' has {kg(left)} kg left network-wide but {kg(grams)} kg would be "
                    "used; it was already claimed elsewhere — claim against another credit",
                    code="double_claim",
                    field="credits",
                )

    def use(self, allocations: Sequence[tuple[str, int]]) -> None:
        self.check_use(allocations)
        for credit_id, grams in allocations:
            self.used[credit_id] = self.used.get(credit_id, 0) + grams

    def check_lots(self, characteristic: Characteristic, lots: Sequence[tuple[str, int, int]]) -> None:
        """``lots`` are (lot id, grams claimed now, lot mass in grams)."""
        for i, (lot, grams, lot_grams) in enumerate(lots):
            before = self.lot_claimed.get((lot, characteristic), 0)
            by = ", ".join(self.lot_claims.get((lot, characteristic), []))
            if before + grams > lot_grams:
                raise RuleViolation(
                    f"lot '{lot}' weighs {kg(lot_grams)} kg and already carries {kg(before)} kg of "
                    f"{characteristic.value} claims (by {by}); {kg(grams)} kg more would claim it twice — "
                    "reduce the claim",
                    code="double_claim",
                    field=f"lots[{i}]",
                )

    def claim_lots(
        self, claim_id: str, characteristic: Characteristic, lots: Sequence[tuple[str, int, int]]
    ) -> None:
        self.check_lots(characteristic, lots)
        for lot, grams, _ in lots:
            key = (lot, characteristic)
            self.lot_claimed[key] = self.lot_claimed.get(key, 0) + grams
            self.lot_claims.setdefault(key, []).append(claim_id)
