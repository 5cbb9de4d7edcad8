"""Mass balance accounts (ISO 22095:2020 clause 9; マスバランス方式): credits in, claims out, never overdrawn.

An account is organisation × site × material group × characteristic; entries fall into allocation periods
(``PeriodScheme``, default 3 months). Credits in = certified input mass × conversion factor (rounded down to
the gram). Claims out attach to output lots, proportionally to lot mass or freely per lot, and consume credits
first-in first-out, so every claim names the credits (and through them the input events) it rests on.
Credits shipped with lots move to the receiving organisation's account under the same credit ids; the
``ClaimRegistry`` refuses any second use of a credit or any claims beyond a lot's mass network-wide.

Period close (``closing``): the balance can never be negative (no entry may overdraw it, and entries on
an account are in time order); physical vs book stock must agree within ``tolerance`` (default 0.5 %);
the closing balance carries over as the next opening balance. Credits do not expire by default (ISO 22095
leaves this to the scheme; ISCC PLUS, for instance, lets a positive balance carry over);
``credit_lifetime_periods`` makes any credit still unclaimed at the close of its N-th period expire.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from junkan.custody.model import AccountKey, AccountStatement, Entry, EntryKind, Period, PeriodScheme, kg
from junkan.custody.registry import ClaimRegistry
from junkan.errors import Conflict, InvalidInput, RuleViolation
from junkan.trace.trades import TradeMatch
from junkan.trace.units import grams

__all__ = ["Account", "Holding", "MassBalanceLedger"]


@dataclass(slots=True)
class Holding:
    credit_id: str
    grams: int
    origin: int  # index of the period the credit was earned in


@dataclass(slots=True)
class Account:
    holdings: deque[Holding] = field(default_factory=deque)
    entries: list[Entry] = field(default_factory=list)
    last_time: datetime | None = None
    closed: dict[Period, AccountStatement] = field(default_factory=dict)


def _proportional(total: int, lots: Sequence[tuple[str, int]]) -> list[tuple[str, int, int]]:
    """Split ``total`` grams over lots in proportion to their mass (largest remainder, so it adds up)."""
    mass = sum(m for _, m in lots)
    if mass <= 0:
        raise InvalidInput(
            "the claimed lots have no mass; give each lot's mass", code="not_positive", field="lots"
        )
    shares = [total * m // mass for _, m in lots]
    order = sorted(range(len(lots)), key=lambda i: -(total * lots[i][1] % mass))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return [(lot, g, m) for (lot, m), g in zip(lots, shares, strict=True)]


def _positive(value: Decimal, name: str) -> None:
    if value <= 0:
        raise InvalidInput(f"{name} must be > 0", code="not_positive", field=name)


@dataclass(slots=True)
class MassBalanceLedger:
    """All mass-balance accounts of a network, with their claim registry."""

    scheme: PeriodScheme = field(default_factory=PeriodScheme)
    tolerance: Decimal = Decimal("0.005")
    credit_lifetime_periods: int | None = None
    registry: ClaimRegistry = field(default_factory=ClaimRegistry)
    accounts: dict[AccountKey, Account] = field(default_factory=dict)
    _done: dict[str, tuple[str, tuple[Entry, ...]]] = field(default_factory=dict)

    def balance_g(self, account: AccountKey) -> int:
        acc = self.accounts.get(account)
        return sum(h.grams for h in acc.holdings) if acc else 0

    def _replay(self, entry_id: str, payload: str) -> tuple[Entry, ...] | None:
        done = self._done.get(entry_id)
        if done is None:
            return None
        if done[0] != payload:
            raise Conflict(
                f"entry id '{entry_id}' was used for another posting; use a new id",
                code="entry_id_reused",
                field="entry_id",
            )
        return done[1]

    def _open(self, account: AccountKey, time: datetime) -> tuple[Account, Period]:
        if time.tzinfo is None:
            raise InvalidInput("time needs a time zone offset", code="naive_time", field="time")
        acc = self.accounts.setdefault(account, Account())
        period = self.scheme.period_of(time.date())
        if acc.last_time is not None and time < acc.last_time:
            raise RuleViolation(
                f"account {account} has an entry at {acc.last_time.isoformat()}; post entries in time order",
                code="out_of_order",
                field="time",
            )
        if any(p >= period for p in acc.closed):
            raise RuleViolation(
                f"period {period} of account {account} is closed; post into the open period",
                code="period_closed",
                field="time",
            )
        return acc, period

    def _post(self, acc: Account, entry: Entry) -> None:
        acc.entries.append(entry)
        acc.last_time = entry.time

    def _take(self, acc: Account, account: AccountKey, amount: int, field_name: str) -> list[tuple[str, int]]:
        have = sum(h.grams for h in acc.holdings)
        if amount > have:
            raise RuleViolation(
                f"account {account} holds {kg(have)} kg but {kg(amount)} kg are asked for: short by "
                f"{kg(amount - have)} kg; record more certified input or claim less",
                code="over_claim",
                field=field_name,
                extra={
                    "account": str(account),
                    "shortfall_kg": str(kg(amount - have)),
                    "balance_kg": str(kg(have)),
                },
            )
        taken: list[tuple[str, int]] = []
        left = amount
        for h in acc.holdings:  # first in, first out: the oldest credits are used first
            if left == 0:
                break
            use = min(h.grams, left)
            taken.append((h.credit_id, use))
            left -= use
        return taken

    @staticmethod
    def _drop(acc: Account, taken: Sequence[tuple[str, int]]) -> None:
        for _, use in taken:
            h = acc.holdings[0]
            h.grams -= use
            if h.grams == 0:
                acc.holdings.popleft()

    def credit(
        self,
        *,
        entry_id: str,
        account: AccountKey,
        time: datetime,
        input_kg: Decimal,
        conversion_factor: Decimal = Decimal(1),
        event_ids: Sequence[str] = (),
    ) -> Entry:
        """Book certified input: credit = input × conversion factor, rounded down to the gram."""
        payload = repr(("credit", account, time, input_kg, conversion_factor, tuple(event_ids)))
        if (done := self._replay(entry_id, payload)) is not None:
            return done[0]
        _positive(input_kg, "input_kg")
        if not Decimal(0) < conversion_factor <= 1:
            raise InvalidInput(
                "conversion factor must lie in (0, 1]: the share of input mass that becomes "
                "output characteristic",
                code="bad_conversion_factor",
                field="conversion_factor",
            )
        acc, period = self._open(account, time)
        g = grams(input_kg * conversion_factor, rounding=ROUND_DOWN)
        self.registry.issue(entry_id, g)
        entry = Entry(
            entry_id,
            account,
            period,
            EntryKind.CREDIT,
            g,
            time,
            tuple(event_ids),
            ((entry_id, g),),
            note=f"{input_kg} kg × {conversion_factor}",
        )
        acc.holdings.append(Holding(entry_id, g, self.scheme.index(period)))
        self._post(acc, entry)
        self._done[entry_id] = (payload, (entry,))
        return entry

    def claim(
        self,
        *,
        entry_id: str,
        account: AccountKey,
        time: datetime,
        lots: Sequence[tuple[str, Decimal]],
        amount_kg: Decimal | None = None,
        per_lot_kg: Mapping[str, Decimal] | None = None,
        event_ids: Sequence[str] = (),
    ) -> Entry:
        """Claim the characteristic for output ``lots`` (lot id, lot kg): ``amount_kg`` spread in
        proportion to lot mass, or ``per_lot_kg`` given freely per lot. ``over_claim`` beyond the balance."""
        payload = repr(
            (
                "claim",
                account,
                time,
                tuple(lots),
                amount_kg,
                sorted((per_lot_kg or {}).items()),
                tuple(event_ids),
            )
        )
        if (done := self._replay(entry_id, payload)) is not None:
            return done[0]
        lot_g = [(lot, grams(m, rounding=ROUND_DOWN)) for lot, m in lots]
        if (amount_kg is None) == (per_lot_kg is None):
            raise InvalidInput(
                "give either amount_kg (proportional attribution) or per_lot_kg (free attribution)",
                code="attribution_ambiguous",
                field="amount_kg",
            )
        if per_lot_kg is not None:
            unknown = set(per_lot_kg) - {lot for lot, _ in lot_g}
            if unknown:
                raise InvalidInput(
                    f"per_lot_kg names lots not in lots: {sorted(unknown)}",
                    code="unknown_lot",
                    field="per_lot_kg",
                )
            split = [(lot, grams(per_lot_kg.get(lot, Decimal(0)), rounding=ROUND_UP), m) for lot, m in lot_g]
        else:
            assert amount_kg is not None
            split = _proportional(grams(amount_kg, rounding=ROUND_UP), lot_g)
        for i, (lot, g, m) in enumerate(split):
            if g < 0 or g > m:
                raise InvalidInput(
                    f"lot '{lot}' weighs {kg(m)} kg; a claim of {kg(g)} kg on it is impossible",
                    code="claim_exceeds_lot_mass",
                    field=f"lots[{i}]",
                )
        total = sum(g for _, g, _ in split)
        if total <= 0:
            raise InvalidInput(
                "the claim is empty; claim a positive mass", code="not_positive", field="amount_kg"
            )
        acc, period = self._open(account, time)
        taken = self._take(acc, account, total, "amount_kg" if amount_kg is not None else "per_lot_kg")
        self.registry.check_use(taken)
        self.registry.check_lots(account.characteristic, split)
        self.registry.use(taken)
        self.registry.claim_lots(entry_id, account.characteristic, split)
        self._drop(acc, taken)
        entry = Entry(
            entry_id,
            account,
            period,
            EntryKind.CLAIM,
            total,
            time,
            tuple(event_ids),
            tuple(taken),
            tuple((lot, g) for lot, g, _ in split),
        )
        self._post(acc, entry)
        self._done[entry_id] = (payload, (entry,))
        return entry

    def transfer(
        self,
        *,
        entry_id: str,
        source: AccountKey,
        destination: AccountKey,
        time: datetime,
        amount_kg: Decimal,
        event_ids: Sequence[str] = (),
    ) -> tuple[Entry, Entry]:
        """Move credits with shipped lots to the receiver's account; the credits keep their ids."""
        payload = repr(("transfer", source, destination, time, amount_kg, tuple(event_ids)))
        if (done := self._replay(entry_id, payload)) is not None:
            return done[0], done[1]
        _positive(amount_kg, "amount_kg")
        if source.characteristic is not destination.characteristic or source == destination:
            raise InvalidInput(
                "credits move only between two accounts of the same characteristic",
                code="bad_transfer",
                field="destination",
            )
        src, p_out = self._open(source, time)
        dst, p_in = self._open(destination, time)
        taken = self._take(src, source, grams(amount_kg, rounding=ROUND_UP), "amount_kg")
        origins = [h.origin for h in list(src.holdings)[: len(taken)]]
        self._drop(src, taken)
        g = sum(t for _, t in taken)
        out = Entry(
            f"{entry_id}:out",
            source,
            p_out,
            EntryKind.TRANSFER_OUT,
            g,
            time,
            tuple(event_ids),
            tuple(taken),
            note=f"to {destination}",
        )
        into = Entry(
            f"{entry_id}:in",
            destination,
            p_in,
            EntryKind.TRANSFER_IN,
            g,
            time,
            tuple(event_ids),
            tuple(taken),
            note=f"from {source}",
        )
        dst.holdings.extend(Holding(c, t, o) for (c, t), o in zip(taken, origins, strict=True))
        self._post(src, out)
        self._post(dst, into)
        self._done[entry_id] = (payload, (out, into))
        return out, into

    def transfer_with_trade(
        self,
        match: TradeMatch,
        *,
        entry_id: str,
        source: AccountKey,
        destination: AccountKey,
        time: datetime,
        amount_kg: Decimal,
    ) -> tuple[Entry, Entry]:
        """Transfer along a reconciled trade (``trades.reconcile`` only matches partners that agree)."""
        if (match.shipper, match.receiver) != (source.organisation, destination.organisation):
            raise InvalidInput(
                f"trade {match.shipment_ref} is from {match.shipper} to {match.receiver}; "
                "transfer between those organisations' accounts",
                code="bad_transfer",
                field="destination",
            )
        return self.transfer(
            entry_id=entry_id,
            source=source,
            destination=destination,
            time=time,
            amount_kg=amount_kg,
            event_ids=(match.ship_event, match.receive_event),
        )
