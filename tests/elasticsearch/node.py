"""Starts and stops the real test Elasticsearch node (start.sh / stop.sh) from tests."""

from __future__ import annotations

import os
import subprocess
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def start(port: int = 9200, data_dir: Path | None = None) -> str:
    """Start (or find running) a node on 127.0.0.1:port; returns its URL."""
    env = {**os.environ, "ES_PORT": str(port)}
    if data_dir is not None:
        env["ES_DATA_DIR"] = str(data_dir)
    out = subprocess.run([str(HERE / "start.sh")], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"the test Elasticsearch node did not start:\n{out.stderr[-3000:]}")
    return out.stdout.strip().splitlines()[-1]


def stop(port: int = 9200, data_dir: Path | None = None) -> None:
    env = {**os.environ, "ES_PORT": str(port)}
    if data_dir is not None:
        env["ES_DATA_DIR"] = str(data_dir)
    subprocess.run([str(HERE / "stop.sh")], env=env, check=True, capture_output=True)
