"""Starts and stops the real test Elasticsearch node (start.sh / stop.sh) from tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Where this checkout starts its own node when the one found is older than its plugin.
CURRENT_PORT = 9250


def is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def has_current_plugin(url: str) -> bool:
    """Does the node have what the project's mapping needs? The `mapping` char filter
    (THE folding) came with a later build of our plugin than a node started earlier
    from an older checkout may run."""
    body = {"tokenizer": "standard", "char_filter": [{"type": "mapping", "mappings": ["a => b"]}]}
    request = urllib.request.Request(
        f"{url}/_analyze",
        data=json.dumps({**body, "text": "a"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return json.load(r)["tokens"][0]["token"] == "b"
    except (urllib.error.HTTPError, KeyError, IndexError):
        return False


def current_node(url: str) -> str:
    """`url` if its node runs the current plugin; else this checkout's own node (started
    on CURRENT_PORT if need be), so a shared node from an older build never fails a test."""
    if has_current_plugin(url):
        return url
    own = start(port=CURRENT_PORT)
    if not has_current_plugin(own):
        raise RuntimeError(f"the Elasticsearch node at {own} lacks the `mapping` char filter")
    return own


def free_port() -> int:
    """A port nothing listens on now, for a node of a test's own: a fixed one would be
    shared by the two database runs of the suite, which run at the same time."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
