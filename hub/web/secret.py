"""The key that signs the browser's CSRF token (the session itself lives server-side, hub/web/setup.py).

HUB_WEB_SECRET (at least 32 characters), or a key generated once in ``<HUB_DATA_DIR>/web.key`` (mode
0600) that every hub process on that data directory shares. Changing it signs everyone out."""
from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from hub.core.exceptions import Unavailable


def web_secret(data_dir: Path, configured: str | None) -> bytes:
    if configured:
        if len(configured) < 32:
            raise Unavailable("HUB_WEB_SECRET must be at least 32 characters")
        return hashlib.sha256(configured.encode()).digest()
    path = data_dir / "web.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_hex(32))
    return hashlib.sha256(path.read_text().strip().encode()).digest()
