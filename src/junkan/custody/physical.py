"""Physical chain-of-custody models (ISO 22095:2020 clauses 5.2–5.4): the characteristic travels with the
material itself, so the claimable share of an output follows from its inputs.

* identity preserved: one identified certified source, no mixing — the output carries that source's share;
* segregated: certified inputs from several sources may mix, uncertified material may not;
* controlled blending: certified and uncertified inputs mix in known proportions — the output share is the
  mass-weighted mean of the input shares.
Mass balance and book-and-claim, where the characteristic is accounted for administratively, live in
``mass_balance`` and ``book_and_claim``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from junkan.custody.model import CoCModel
from junkan.errors import InvalidInput, RuleViolation

__all__ = ["PhysicalInput", "output_share"]


@dataclass(frozen=True, slots=True)
class PhysicalInput:
    kg: Decimal
    share: Decimal  # share of the characteristic in this input, 0..1
    certified: bool
    source: str


def output_share(model: CoCModel, inputs: Sequence[PhysicalInput]) -> Decimal:
    """The share of the characteristic an output of these inputs may claim under ``model``."""
    if not inputs:
        raise InvalidInput("give at least one input", code="no_inputs", field="inputs")
    for i, x in enumerate(inputs):
        if x.kg <= 0 or not Decimal(0) <= x.share <= 1:
            raise InvalidInput(
                "each input needs mass > 0 and a share in 0..1", code="bad_input", field=f"inputs[{i}]"
            )
    total = sum((x.kg for x in inputs), Decimal(0))
    if model is CoCModel.IDENTITY_PRESERVED:
        sources = {x.source for x in inputs}
        if len(sources) > 1 or not all(x.certified for x in inputs):
            raise RuleViolation(
                f"identity preserved allows one certified source, got {sorted(sources)}; keep sources apart "
                "or claim under segregation",
                code="identity_mixed",
                field="inputs",
            )
        return sum((x.kg * x.share for x in inputs), Decimal(0)) / total
    if model is CoCModel.SEGREGATED:
        bad = [i for i, x in enumerate(inputs) if not x.certified]
        if bad:
            raise RuleViolation(
                "segregation allows certified inputs only; remove the uncertified input or claim under "
                "controlled blending or mass balance",
                code="uncertified_input",
                field=f"inputs[{bad[0]}]",
            )
        return sum((x.kg * x.share for x in inputs), Decimal(0)) / total
    if model is CoCModel.CONTROLLED_BLENDING:
        return sum((x.kg * x.share for x in inputs if x.certified), Decimal(0)) / total
    raise InvalidInput(
        f"{model.value} is accounted administratively; use mass_balance or book_and_claim",
        code="not_a_physical_model",
        field="model",
    )
