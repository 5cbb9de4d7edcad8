"""RFC 9457 problem details: every error the API returns has this shape.

``{"type", "title", "status", "detail", "code", "errors": [{"field", "code", "message"}], "instance"}``
with media type ``application/problem+json``. ``code`` is stable and machine-readable; ``detail`` says
what to do.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from junkan.errors import JunkanError

__all__ = ["install_problem_handlers", "problem"]

MEDIA_TYPE = "application/problem+json"


def problem(
    status: int,
    *,
    code: str,
    detail: str,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:junkan:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "code": code,
        "detail": detail,
        "errors": errors or [],
    }
    if instance:
        body["instance"] = instance
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _loc_to_field(loc: tuple[Any, ...]) -> str:
    parts = [p for p in loc if p not in ("body", "query", "path", "header")]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or ".".join(str(p) for p in loc)


_FIXES = {
    "missing": "add this field",
    "extra_forbidden": "remove this field; it is not part of the schema",
    "enum": "use one of the allowed values",
    "literal_error": "use one of the allowed values",
    "json_invalid": "send valid JSON",
}


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(JunkanError)
    async def _junkan(request: Request, exc: JunkanError) -> JSONResponse:
        errors = [{"field": e.field, "code": e.code, "message": e.message} for e in exc.errors]
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return problem(
            exc.status,
            code=exc.code,
            detail=exc.message,
            instance=request.url.path,
            errors=errors,
            extra=exc.extra,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for e in exc.errors():
            fix = _FIXES.get(e.get("type", ""), "correct the value")
            errors.append(
                {
                    "field": _loc_to_field(tuple(e.get("loc", ()))),
                    "code": e.get("type", "invalid"),
                    "message": f"{e.get('msg', 'invalid value')}; {fix}",
                }
            )
        first = errors[0] if errors else {"field": "", "message": "invalid request"}
        detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        return problem(422, code="invalid_input", detail=detail, instance=request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
            exc.status_code, "http_error"
        )
        detail = str(exc.detail) if exc.detail else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such resource: {request.url.path}; see /api/v1/docs for the available routes"
        return problem(exc.status_code, code=code, detail=detail, instance=request.url.path)
