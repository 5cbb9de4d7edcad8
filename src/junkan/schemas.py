"""Validation of JSON documents (passports, credentials, imports) against JSON Schemas.

Backs ``junkan validate FILE --schema SCHEMA``: :func:`validate_against_schema` returns every problem with
a JSON path (``$.materials[2].cas``) and a message, and :func:`render_problems` lays them out as text.

Draft 2020-12 is the default dialect (a schema that declares another ``$schema`` is validated by that
draft). ``format`` is asserted, not just annotated. jsonschema only checks ``date-time`` and ``uri`` when
optional packages are installed; rather than add two dependencies we check them here: ``date-time`` per
RFC 3339 §5.6 (including the calendar: no 31 April), ``uri``/``uri-reference``/``iri`` per the RFC 3986
character set with well-formed percent-escapes (``uri`` also needs a scheme, §3.1).
Remote ``$ref`` are never fetched: this module does no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError, best_match
from jsonschema.validators import validator_for

from junkan.errors import InvalidInput

__all__ = ["SchemaProblem", "json_path", "render_problems", "validate_against_schema"]

_DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$"
)
_URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One way the instance fails the schema: where (JSON path), what, and which keyword said so."""

    path: str
    message: str
    keyword: str
    schema_path: str

    @property
    def field(self) -> str:
        """The dotted form the platform's errors use (``materials[2].cas``; empty for the root)."""
        return self.path[2:] if self.path.startswith("$.") else self.path[1:]


def json_path(parts: Iterable[str | int]) -> str:
    """``$`` followed by ``.name``, ``['odd name']`` or ``[index]`` for each step."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            out.append(f".{part}")
        else:
            out.append("['" + part.replace("\\", "\\\\").replace("'", "\\'") + "']")
    return "".join(out)


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True  # format applies to strings only (JSON Schema Validation §7.1)
    match = _DATE_TIME.match(value)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(match[i]) for i in range(1, 7))
    if match[9] is not None and (int(match[9]) > 23 or int(match[10]) > 59):
        return False
    try:
        # RFC 3339 §5.7 allows a leap second (60); the calendar check does not need it.
        datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return False
    return second <= 60


def _is_uri_reference(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_URI_CHARS.match(value)) and not _BAD_ESCAPE.search(value)


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return bool(_SCHEME.match(value)) and _is_uri_reference(value)


def _is_iri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    ascii_form = "".join(c if ord(c) < 128 else "%00" for c in value)
    return bool(_SCHEME.match(value)) and _is_uri_reference(ascii_form) and " " not in value


def _format_checker() -> FormatChecker:
    checker = FormatChecker()  # an instance: registrations below do not leak into jsonschema's global one
    for name, check in (
        ("date-time", _is_date_time),
        ("uri", _is_uri),
        ("uri-reference", _is_uri_reference),
        ("iri", _is_iri),
    ):
        if name not in checker.checkers:
            checker.checks(name)(check)
    return checker


def _problem(error: ValidationError) -> SchemaProblem:
    message = error.message
    if error.context:
        # anyOf/oneOf: say why the closest alternative failed; an alternative of the instance's own type
        # (a failed minimum rather than "is not of type 'string'") is the one the author meant.
        typed = [e for e in error.context if e.validator != "type"]
        closest = best_match(typed or error.context)
        where = json_path(closest.absolute_path)
        at = f" at {where}" if where != json_path(error.absolute_path) else ""
        message += f"; closest alternative fails{at}: {closest.message}"
    return SchemaProblem(
        path=json_path(error.absolute_path),
        message=message,
        keyword=str(error.validator),
        schema_path="/".join(str(p) for p in error.absolute_schema_path),
    )


def _sort_key(problem: SchemaProblem) -> tuple[str, str]:
    return problem.path, problem.message


def validate_against_schema(instance: Any, schema: dict[str, Any]) -> list[SchemaProblem]:
    """Every problem of ``instance`` against ``schema`` (empty when valid), sorted by path.

    Raises ``InvalidInput`` (code ``schema_invalid``) when the schema itself is not a valid schema.
    """
    cls = validator_for(schema, default=Draft202012Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise InvalidInput(
            f"the schema is not a valid JSON Schema at {where}: {exc.message}; fix the schema file",
            code="schema_invalid",
            field="schema",
        ) from None
    validator = cls(schema, format_checker=_format_checker())
    return sorted((_problem(e) for e in validator.iter_errors(instance)), key=_sort_key)


def render_problems(problems: Sequence[SchemaProblem], *, source: str = "") -> str:
    """Plain text for a terminal: one line per problem, then a count (or ``valid``)."""
    prefix = f"{source}: " if source else ""
    if not problems:
        return f"{prefix}valid"
    lines = [f"{prefix}{p.path}: {p.message} [{p.keyword}]" for p in problems]
    noun = "problem" if len(problems) == 1 else "problems"
    lines.append(f"{prefix}{len(problems)} {noun}")
    return "\n".join(lines)
