"""The exception hierarchy of junkan: one root, each class a kind of answer the caller can act on.

::

    JunkanError                     root; never raised directly
     ├── InvalidInput               422  input that can never be right (a bad check digit, a share > 100 %)
     │    └── ImportRejected        422  a file import with per-row errors; nothing was stored
     ├── NotAuthenticated           401  no or bad credentials
     ├── PermissionDenied           403  authenticated, but not allowed to do this
     ├── NotFound                   404  no such record, or one the caller may not know exists
     ├── Conflict                   409  clashes with stored state (duplicate name, idempotency key reuse,
     │                                   a published version edited in place)
     └── RuleViolation              422  well-formed, but a business rule refuses it (over-claim, negative
                                         stock, a transformation creating mass)

Every error carries a stable machine-readable ``code``, an optional ``field`` (a dotted path into the
input) and a message a person can act on: what is wrong and how to fix it. Entry points turn them into
RFC 9457 problem details (API), flash messages (web) or red lines (CLI). Domain modules raise these and
import nothing else from the platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "Conflict",
    "FieldError",
    "ImportRejected",
    "InvalidInput",
    "JunkanError",
    "NotAuthenticated",
    "NotFound",
    "PermissionDenied",
    "RowError",
    "RuleViolation",
]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one field: where (dotted path), what (stable code) and how to fix it."""

    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row of an imported file (1-based row number as a spreadsheet shows it)."""

    row: int
    field: str
    code: str
    message: str


class JunkanError(Exception):
    """Root of every error junkan raises on purpose."""

    status = 400
    default_code = "error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        errors: list[FieldError] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field
        self.errors: list[FieldError] = list(errors or [])
        if field and not self.errors:
            self.errors.append(FieldError(field=field, code=self.code, message=message))
        self.extra: dict[str, Any] = dict(extra or {})

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        return f"{self.code}{where}: {self.message}"


class InvalidInput(JunkanError):
    """Input that can never be right as given; the message says how to fix it."""

    status = 422
    default_code = "invalid_input"


class ImportRejected(InvalidInput):
    """A file import refused as a whole; ``rows`` lists every problem found, nothing was stored."""

    default_code = "import_rejected"

    def __init__(self, message: str, *, rows: list[RowError], code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.rows = list(rows)
        self.extra["rows"] = [
            {"row": r.row, "field": r.field, "code": r.code, "message": r.message} for r in self.rows
        ]


class NotAuthenticated(JunkanError):
    status = 401
    default_code = "not_authenticated"


class PermissionDenied(JunkanError):
    status = 403
    default_code = "permission_denied"


class NotFound(JunkanError):
    status = 404
    default_code = "not_found"


class Conflict(JunkanError):
    status = 409
    default_code = "conflict"


class RuleViolation(JunkanError):
    """Well-formed input that a business rule refuses (e.g. claiming more than an account holds)."""

    status = 422
    default_code = "rule_violation"
