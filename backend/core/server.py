"""How `evidence serve` runs the app under uvicorn (tests' live servers use it too)."""

from __future__ import annotations

from typing import Any

import uvicorn


def server_config(app: Any, host: str, port: int, **options: Any) -> uvicorn.Config:
    """Forwarded headers are the app's business (TRUSTED_PROXIES, backend/main.py), not
    uvicorn's: its default believes them from 127.0.0.1, i.e. from any client on the
    same machine, which then chooses its own address for the sign-in throttle."""
    return uvicorn.Config(app, host=host, port=port, proxy_headers=False, **options)
