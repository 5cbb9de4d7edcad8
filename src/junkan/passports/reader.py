"""Reading untrusted dict input field by field, collecting every error with its dotted path.

Used by :mod:`junkan.passports.codec`; each helper returns ``None`` and records a ``FieldError`` instead
of raising, so a form or an import shows all problems at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlsplit

from junkan.errors import FieldError, InvalidInput
from junkan.passports.quantities import parse_decimal, parse_share

__all__ = ["Reader"]

T = TypeVar("T")


class Reader:
    """Collects every field error instead of stopping at the first, so a form can show them all."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, code: str, message: str) -> None:
        self.errors.append(FieldError(field=field, code=code, message=message))

    def run(self, fn: Callable[[], T]) -> T | None:
        try:
            return fn()
        except InvalidInput as exc:
            self.errors.extend(exc.errors or [FieldError(exc.field or "", exc.code, exc.message)])
            return None

    def obj(self, data: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.add(path, "not_an_object", f"{path} must be an object with named fields")
            return None
        return value

    def items(self, data: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            self.add(path, "not_a_list", f"{path} must be a list")
            return []
        return list(value)

    def text(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(path, "required", f"{path} is required; fill it in")
            return None
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.add(path, "not_text", f"{path} must be text")
            return None
        return value.strip()

    def url(self, data: Mapping[str, Any], key: str, path: str) -> str | None:
        value = self.text(data, key, path)
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                self.add(path, "url", f"{value!r} is not a web address; give a full https:// link")
                return None
        return value

    def dec(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False, positive: bool = False
    ) -> Decimal | None:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.add(path, "required", f"{path} is required; enter a number")
            return None
        number = self.run(lambda: parse_decimal(value, field=path))
        if (number is not None and number < 0) or (positive and number is not None and number <= 0):
            self.add(path, "not_positive", f"{path} must be greater than zero, got {number}")
            return None
        return number

    def share(self, data: Mapping[str, Any], key: str, path: str, default: Decimal | None) -> Decimal | None:
        value = data.get(key)
        if value is None or value == "":
            return default
        return self.run(lambda: parse_share(value, field=path))

    def flag(self, data: Mapping[str, Any], key: str, path: str) -> bool | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in ("true", "yes", "1", "y", "はい", "有"):
            return True
        if lowered in ("false", "no", "0", "n", "いいえ", "無"):
            return False
        self.add(path, "not_a_flag", f"{path} must be true or false (yes/no), got {value!r}")
        return None

    def day(self, data: Mapping[str, Any], key: str, path: str) -> date | None:
        value = data.get(key)
        if value is None or value == "" or isinstance(value, date):
            return value if isinstance(value, date) else None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.add(path, "date", f"{value!r} is not a date; write it as YYYY-MM-DD")
            return None

    def moment(self, data: Mapping[str, Any], key: str, path: str) -> datetime | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        try:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        except ValueError:
            self.add(path, "datetime", f"{value!r} is not a timestamp; write it as ISO 8601 with an offset")
            return None
        if moment.tzinfo is None:
            self.add(
                path, "naive_datetime", f"{path} needs a time zone offset, e.g. 2025-04-01T09:00:00+09:00"
            )
            return None
        return moment

    def choice(
        self, data: Mapping[str, Any], key: str, path: str, enum: type[T], default: T | None
    ) -> T | None:
        value = data.get(key)
        if value is None or value == "":
            if default is None:
                self.add(path, "required", f"{path} is required")
            return default
        try:
            return enum(value)  # type: ignore[call-arg]
        except ValueError:
            allowed = ", ".join(str(m.value) for m in enum)  # type: ignore[attr-defined]
            self.add(path, "choice", f"{value!r} is not allowed for {path}; use one of {allowed}")
            return None
