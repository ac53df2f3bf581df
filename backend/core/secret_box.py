"""Encryption at rest for the few secrets the server must read back (TOTP seeds).

Passwords and tokens are hashed, never encrypted; a TOTP seed cannot be: the server
computes codes from it. The key is the `SECRET_KEY` setting, or else a random key
file made in the data folder on first use (mode 0600). Losing the key loses every
second factor (users re-enrol); keep it with the database's backups.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from backend.core.config import Settings

KEY_FILE = "secret.key"


class SecretUnreadable(Exception):
    """The stored secret was encrypted with another key."""


def _key_file(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made earlier, or by another process just now
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as f:
        f.write(Fernet.generate_key())
    return path.read_bytes().strip()


@lru_cache(maxsize=8)
def _fernet(secret: str | None, key_path: Path) -> Fernet:
    if secret:  # any string: stretched to Fernet's 32 bytes
        return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()))
    return Fernet(_key_file(key_path))


def box(settings: Settings) -> Fernet:
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    return _fernet(secret, settings.data_dir / KEY_FILE)


def seal(settings: Settings, plain: str) -> str:
    return box(settings).encrypt(plain.encode()).decode()


def unseal(settings: Settings, sealed: str) -> str:
    try:
        return box(settings).decrypt(sealed.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("the secret key changed since this was stored") from exc
