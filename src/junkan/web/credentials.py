"""Web page of the credentials context: ``/verify``, where anyone pastes or uploads a credential and sees
whether it verifies, and why not."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from junkan.actor import utcnow
from junkan.api.deps import get_uow
from junkan.credentials import service
from junkan.credentials.did import parse_key_id
from junkan.web.i18n import register
from junkan.web.render import add_nav, form_csrf_ok, render

__all__ = ["REASON_TEXT", "router"]

router = APIRouter(include_in_schema=False)

register(
    {
        "nav.verify": ("証明書の検証", "Verify"),
        "verify.title": ("検証可能な証明書（VC）の検証", "Verify a Verifiable Credential"),
        "verify.intro": (
            "製品パスポートや再生材含有の主張などの証明書を貼り付けるか、ファイルを選んでください。"
            "署名、発行者の鍵（ローテーション・失効を含む）、有効期間を確認します。"
            "JSON（Data Integrity 証明付き）と JWS（vc+jwt）に対応しています。",
            "Paste a credential — a product passport, a recycled-content claim — or choose a file. The "
            "signature, the issuer's key (rotated and revoked keys included) and the validity period are "
            "checked. JSON with a Data Integrity proof and compact JWS (vc+jwt) are accepted.",
        ),
        "verify.paste": ("証明書（JSON または JWS）", "Credential (JSON or JWS)"),
        "verify.upload": ("またはファイルを選択", "or choose a file"),
        "verify.submit": ("検証する", "Verify"),
        "verify.ok": ("✓ 検証に成功しました", "✓ The credential verifies"),
        "verify.failed": ("✗ 検証に失敗しました", "✗ The credential does not verify"),
        "verify.issuer": ("発行者", "Issuer"),
        "verify.key": ("署名鍵", "Signing key"),
        "verify.did_document": ("DIDドキュメント", "DID document"),
        "verify.reason": ("理由", "Reason"),
        "verify.field": ("箇所", "Where"),
        "verify.detail": ("詳細", "Detail"),
        "verify.empty": (
            "証明書を貼り付けるか、ファイルを選んでください",
            "Paste a credential or choose a file",
        ),
        "verify.not_text": (
            "ファイルが UTF-8 のテキストではありません",
            "The file is not UTF-8 text",
        ),
        "verify.offline": (
            "オフライン検証: 発行者の DID ドキュメント（/org/<id>/did.json）を保存し、"
            "junkan verify FILE --did-document DID.json を実行してください。",
            "Offline: save the issuer's DID document (/org/<id>/did.json) and run "
            "junkan verify FILE --did-document DID.json.",
        ),
    }
)
REASON_TEXT: dict[str, tuple[str, str]] = {
    "malformed_document": ("証明書の形式が不正です", "Malformed credential"),
    "malformed_proof": ("証明（proof）の形式が不正です", "Malformed proof"),
    "wrong_cryptosuite": ("対応していない署名方式です", "Unsupported signature suite"),
    "unknown_key": ("署名鍵が見つかりません", "Unknown signing key"),
    "issuer_mismatch": ("発行者の鍵ではありません", "Key does not belong to the issuer"),
    "key_revoked": ("署名鍵は失効しています", "Signing key revoked"),
    "key_not_yet_valid": ("署名日時が鍵の有効期間前です", "Signed before the key existed"),
    "tampered": ("署名後に改ざんされています", "Changed after signing"),
    "expired": ("有効期限切れです", "Expired"),
    "not_yet_valid": ("まだ有効期間前です", "Not yet valid"),
    "credential_revoked": ("発行者により取り消されています", "Revoked by the issuer"),
}
"""Short ja/en headings for every reason code of :data:`junkan.credentials.REASONS`."""

register({f"reason.{code}": text for code, text in REASON_TEXT.items()})
add_nav("nav.verify", "/verify")


def _did_document_url(key_id: str | None, host: str) -> str | None:
    """The local path of the DID document when the key is one of this platform's."""
    parsed = parse_key_id(key_id or "")
    if parsed is None or parsed.host != host:
        return None
    return f"/org/{parsed.org_id}/did.json"


@router.get("/verify", response_class=HTMLResponse)
def verify_form(request: Request) -> HTMLResponse:
    return render(request, "credentials/verify.html", document="", result=None)


@router.post("/verify", response_class=HTMLResponse)
def verify_submit(
    request: Request,
    document: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> HTMLResponse:
    form_csrf_ok(request, csrf_token)
    text = document.strip()
    if file is not None and file.filename:
        raw = file.file.read()  # a sync handler: FastAPI runs it in the thread pool
        try:
            text = raw.decode("utf-8-sig").strip()
        except UnicodeDecodeError:
            return render(
                request,
                "credentials/verify.html",
                status_code=422,
                document="",
                result=None,
                error_key="verify.not_text",
            )
    if not text:
        return render(
            request,
            "credentials/verify.html",
            status_code=422,
            document="",
            result=None,
            error_key="verify.empty",
        )
    result = service.verify_document(get_uow(request), text, now=utcnow())
    host = service.host_from_base_url(request.app.state.settings.base_url)
    return render(
        request,
        "credentials/verify.html",
        document=text,
        result=result,
        did_url=_did_document_url(result.key_id, host),
    )
