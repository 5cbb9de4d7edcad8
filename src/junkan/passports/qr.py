"""QR codes for passports: the GS1 Digital Link encoded as a QR symbol (ISO/IEC 18004), SVG or PNG bytes.

GS1 recommends error correction level M for Digital Link QR codes on packaging (GS1 General
Specifications §5.7); we default to it and keep a quiet zone of four modules as ISO/IEC 18004 requires.
"""

from __future__ import annotations

import io

import segno

__all__ = ["qr_png", "qr_svg"]


def _make(uri: str, error: str) -> segno.QRCode:
    return segno.make_qr(uri, error=error, boost_error=False)


def qr_svg(uri: str, *, scale: int = 4, error: str = "m", title: str | None = None) -> bytes:
    """An SVG image (UTF-8 bytes) of the QR code encoding ``uri``."""
    buffer = io.BytesIO()
    _make(uri, error).save(buffer, kind="svg", scale=scale, border=4, title=title, xmldecl=False)
    return buffer.getvalue()


def qr_png(uri: str, *, scale: int = 4, error: str = "m") -> bytes:
    """A PNG image of the QR code encoding ``uri``."""
    buffer = io.BytesIO()
    _make(uri, error).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
