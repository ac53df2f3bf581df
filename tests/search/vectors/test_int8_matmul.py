"""Running the shipped model's weight products on int8 activations: which products
change, that the edit is the same bytes every time, and what it costs the numbers."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort

from search.vectors.int8_matmul import with_int8_matmuls
from search.vectors.minilm import model_files
from search.vectors.onnx_proto import model_class


def _op_types(model: bytes) -> list[str]:
    return [node.op_type for node in model_class().FromString(model).graph.node]


def test_every_weight_product_of_the_shipped_model_goes_int8_and_nothing_else() -> None:
    original = model_files()[0].read_bytes()
    edited, replaced = with_int8_matmuls(original)
    assert replaced == 36  # six layers: query, key, value, output, two feed-forward
    before, after = _op_types(original), _op_types(edited)
    assert after.count("DynamicQuantizeMatMul") == 36
    assert after.count("MatMul") == before.count("MatMul") - 36 == 12  # attention's own
    # Each product's weight came through one Cast and one Mul, now gone.
    assert len(after) == len(before) - 2 * 36
    assert with_int8_matmuls(original) == (edited, 36)  # the same bytes each time
    assert with_int8_matmuls(edited) == (edited, 0)  # nothing left to replace


def test_the_int8_products_stay_close_to_the_fp32_ones() -> None:
    original = model_files()[0].read_bytes()
    edited, _ = with_int8_matmuls(original)
    ids = np.array([[101, 2023, 2003, 1037, 3231, 1997, 1996, 2604, 102]])
    feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": 0 * ids}
    fp32, int8 = (
        ort.InferenceSession(m).run(None, feeds)[0][0].mean(0) for m in (original, edited)
    )
    cosine = float(fp32 @ int8 / np.linalg.norm(fp32) / np.linalg.norm(int8))
    assert 0.95 < cosine < 0.9999  # close, yet not the same numbers: hence a new identity


def _graph(shared_weight: bool) -> bytes:
    model = model_class()()
    graph = model.graph
    weight = graph.initializer.add(name="w", data_type=3, raw_data=bytes(6))
    weight.dims.extend([2, 3])
    scale = graph.initializer.add(name="s", data_type=1, raw_data=bytes(12))
    scale.dims.extend([1, 3])
    graph.node.add(op_type="Cast", input=["w"], output=["wf"])
    graph.node.add(op_type="Mul", input=["wf", "s"], output=["w32"])
    graph.node.add(op_type="MatMul", input=["x", "w32"], output=["y"])
    if shared_weight:
        graph.node.add(op_type="Add", input=["w32", "w32"], output=["z"])
    return bytes(model.SerializeToString())


def test_a_product_goes_int8_only_when_nothing_else_reads_its_weight() -> None:
    edited, replaced = with_int8_matmuls(_graph(shared_weight=False))
    parsed = model_class().FromString(edited)
    (node,) = parsed.graph.node
    assert replaced == 1 and node.op_type == "DynamicQuantizeMatMul"
    assert list(node.input) == ["x", "w", "s"] and list(node.output) == ["y"]
    assert [list(t.dims) for t in parsed.graph.initializer] == [[2, 3], [3]]
    assert [(op.domain, op.version) for op in parsed.opset_import] == [("com.microsoft", 1)]
    shared = _graph(shared_weight=True)
    assert with_int8_matmuls(shared) == (shared, 0)
