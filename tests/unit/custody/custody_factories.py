"""Plain factories for custody tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from junkan.custody.model import AccountKey, Characteristic

JST = timezone(timedelta(hours=9))
PC = Characteristic.RECYCLED_POST_CONSUMER


def make_account(org: str = "pet_recycler", site: str = "plant", material: str = "PET", characteristic=PC):
    return AccountKey(org, site, material, characteristic)


def at(month: int, day: int, hour: int = 9, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, tzinfo=JST)
