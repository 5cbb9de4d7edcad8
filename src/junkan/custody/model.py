"""Vocabulary of chain-of-custody accounting: models, characteristics, periods, accounts, entries, statements.

Amounts are integer grams: exact, and cheap to sum in numpy columns (``period_close``). Credits are rounded
down and claims up when converting from kg, so rounding can never create a claimable gram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import IntEnum, StrEnum

from junkan.errors import InvalidInput

__all__ = [
    "AccountKey",
    "AccountStatement",
    "Characteristic",
    "CoCModel",
    "Entry",
    "EntryKind",
    "Period",
    "PeriodScheme",
    "kg",
]


class CoCModel(StrEnum):
    """ISO 22095:2020 clause 5 chain-of-custody models, from most to least physical."""

    IDENTITY_PRESERVED = "identity_preserved"
    SEGREGATED = "segregated"
    CONTROLLED_BLENDING = "controlled_blending"
    MASS_BALANCE = "mass_balance"
    BOOK_AND_CLAIM = "book_and_claim"


class Characteristic(StrEnum):
    """Specified characteristics claimed (ISO 14021 recycled content: pre-/post-consumer; bio-based)."""

    RECYCLED_PRE_CONSUMER = "recycled_pre_consumer"
    RECYCLED_POST_CONSUMER = "recycled_post_consumer"
    BIO_BASED = "bio_based"


class EntryKind(IntEnum):
    """Entry kinds; the integer is the column code used by ``period_close``."""

    CREDIT = 0
    CLAIM = 1
    TRANSFER_IN = 2
    TRANSFER_OUT = 3
    EXPIRY = 4

    @property
    def sign(self) -> int:
        return 1 if self in (EntryKind.CREDIT, EntryKind.TRANSFER_IN) else -1


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """An allocation period [start, end) (ISO 22095 clause 9.3 leaves its length to the scheme)."""

    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def __str__(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


@dataclass(frozen=True, slots=True)
class PeriodScheme:
    """Periods of ``months`` months aligned on ``anchor_month`` (default: April fiscal-year quarters)."""

    months: int = 3
    anchor_month: int = 4

    def __post_init__(self) -> None:
        if self.months not in {1, 2, 3, 4, 6, 12} or not 1 <= self.anchor_month <= 12:
            raise InvalidInput(
                "period length must divide a year (1, 2, 3, 4, 6 or 12 months) and anchor_month be 1–12",
                code="bad_period_scheme",
                field="months",
            )

    def period_of(self, day: date) -> Period:
        offset = (day.year * 12 + day.month - self.anchor_month) % self.months
        first = day.year * 12 + day.month - 1 - offset
        last = first + self.months
        return Period(date(first // 12, first % 12 + 1, 1), date(last // 12, last % 12 + 1, 1))

    def next(self, period: Period) -> Period:
        return self.period_of(period.end)

    def index(self, period: Period) -> int:
        return (period.start.year * 12 + period.start.month - self.anchor_month) // self.months


@dataclass(frozen=True, slots=True, order=True)
class AccountKey:
    """A mass-balance account: organisation × site × material group × characteristic (periods inside)."""

    organisation: str
    site: str
    material_group: str
    characteristic: Characteristic

    def __str__(self) -> str:
        return f"{self.organisation}/{self.site}/{self.material_group}/{self.characteristic.value}"


@dataclass(frozen=True, slots=True)
class Entry:
    """One posting; ``credits`` names the credit ids (and grams) a debit consumed or a transfer moved."""

    id: str
    account: AccountKey
    period: Period
    kind: EntryKind
    grams: int
    time: datetime
    event_ids: tuple[str, ...] = ()
    credits: tuple[tuple[str, int], ...] = ()
    lots: tuple[tuple[str, int], ...] = ()
    note: str = ""


def kg(grams: int) -> Decimal:
    return Decimal(grams) / 1000


@dataclass(frozen=True, slots=True)
class AccountStatement:
    """Opening + credits + transfers in − claims − transfers out − expired = closing, with every entry."""

    account: AccountKey
    period: Period
    opening_g: int
    credits_g: int
    transfers_in_g: int
    claims_g: int
    transfers_out_g: int
    expired_g: int
    closing_g: int
    entries: tuple[Entry, ...]
    closed: bool = False
    stock_difference: Decimal | None = None

    @property
    def formula(self) -> str:
        return "closing = opening + credits + transfers_in − claims − transfers_out − expired"

    def to_dict(self) -> dict[str, object]:
        return {
            "account": str(self.account),
            "period": str(self.period),
            "openingKg": str(kg(self.opening_g)),
            "creditsKg": str(kg(self.credits_g)),
            "transfersInKg": str(kg(self.transfers_in_g)),
            "claimsKg": str(kg(self.claims_g)),
            "transfersOutKg": str(kg(self.transfers_out_g)),
            "expiredKg": str(kg(self.expired_g)),
            "closingKg": str(kg(self.closing_g)),
            "formula": self.formula,
            "closed": self.closed,
            "entries": [
                {
                    "id": e.id,
                    "kind": e.kind.name.lower(),
                    "kg": str(kg(e.grams)),
                    "eventIds": list(e.event_ids),
                }
                for e in self.entries
            ],
        }
