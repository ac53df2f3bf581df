"""The embedding model interface, its identity, and the stored form of a vector.

A model is anything with `identity`, `dims` and `embed(texts)`: swap it by adding
a loader to MODELS. Every stored vector carries its model's identity key, so a
vector is never compared with one from another model.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from search.errors import EngineUnavailable

if TYPE_CHECKING:  # numpy loads with the model: a lexical `evidence search` never needs it
    import numpy as np


# The index's vector width: every model offered in MODELS has it (a model of another
# width needs a new index mapping, so a new MAPPING_VERSION and schema version).
VECTOR_DIMS = 384


class ModelUnavailable(EngineUnavailable):
    """The configured model is not installed, or is turned off: semantic search answers
    503 (lexical search is unaffected)."""


@dataclass(frozen=True)
class ModelIdentity:
    name: str  # e.g. "all-MiniLM-L6-v2-int8"
    version: str  # the version of the package that ships the weights
    sha256: str  # of the weights and tokenizer files as loaded, and the pipeline settings

    @property
    def key(self) -> str:
        """One string naming exactly these weights, stored with every vector."""
        return f"{self.name}@{self.version}#{self.sha256[:12]}"


class Embedder(Protocol):
    identity: ModelIdentity
    dims: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text (cosine = dot product)."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """A search query's vector (models trained with query prefixes differ here)."""
        ...


def files_sha256(*paths: Path, pipeline: str = "") -> str:
    """Of the files, and of the pipeline settings that change vectors (e.g. where text
    is cut): vectors made another way get another identity, so are re-embedded."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    digest.update(pipeline.encode())
    return digest.hexdigest()


def to_blob(vector: np.ndarray) -> bytes:
    """The stored form: little-endian float32."""
    import numpy as np

    return np.asarray(vector, dtype="<f4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    import numpy as np

    return np.frombuffer(blob, dtype="<f4")


def _minilm() -> Embedder:
    from search.vectors.minilm import MiniLmEmbedder

    return MiniLmEmbedder()


# Name in settings (EMBEDDING_MODEL) -> loader. Loaders import lazily: a process
# that never embeds (e.g. `evidence documents`) never loads ONNX Runtime.
MODELS: dict[str, Callable[[], Embedder]] = {"minilm-l6-int8": _minilm}
DEFAULT_MODEL = "minilm-l6-int8"

_loaded: dict[str, Embedder] = {}
# Callers on several threads (the CLI loads the model ahead on one; the server's
# requests run it on worker threads) wait for one load instead of each loading it.
# Reentrant: a loader may load another model (one wrapping another's weights).
_loading = threading.RLock()


def load_embedder(name: str = DEFAULT_MODEL) -> Embedder:
    """The model, loaded once per process (about 0.3 s and 60 MB)."""
    if name not in MODELS:
        known = ", ".join(sorted(MODELS))
        raise ModelUnavailable(f"unknown embedding model {name!r}; known: {known}")
    with _loading:
        if name not in _loaded:
            _loaded[name] = MODELS[name]()
    return _loaded[name]


def embedder_for(key: str) -> Embedder | None:
    """The installed model whose identity key is `key` (e.g. the one whose vectors
    still serve during a model change), or None when none is."""
    for name in MODELS:
        try:
            model = load_embedder(name)
        except ModelUnavailable:
            continue
        if model.identity.key == key:
            return model
    return None
