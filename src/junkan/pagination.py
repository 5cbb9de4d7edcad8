"""Pages of results: every list in the API and the web is paged the same way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from junkan.errors import InvalidInput

__all__ = ["MAX_LIMIT", "Page", "PageRequest"]

T = TypeVar("T")
MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be within 1–{MAX_LIMIT}", code="range", field="limit")
        if self.offset < 0:
            raise InvalidInput("offset cannot be negative", code="range", field="offset")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        nxt = self.offset + self.limit
        return nxt if nxt < self.total else None
