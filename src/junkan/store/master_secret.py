"""Where the master secret comes from: ``JUNKAN_SECRET_KEY``, or for an embedded SQLite database a random
secret kept beside the database file (so the demo works with no set-up and survives restarts).

Signing keys are encrypted with it (see ``junkan.credentials.keys``); losing it makes them unreadable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from junkan.config import Settings
from junkan.errors import InvalidInput

__all__ = ["master_secret"]


def master_secret(settings: Settings) -> bytes:
    if settings.secret_key:
        return settings.secret_key.encode()
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        raise InvalidInput(
            "set JUNKAN_SECRET_KEY (32+ random characters, e.g. `python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`) when running on PostgreSQL",
            code="secret_key_required",
            field="JUNKAN_SECRET_KEY",
        )
    if not url.database or url.database == ":memory:":
        return b"in-memory-database-ephemeral-secret-0000"
    path = Path(url.database + ".secret")
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()
