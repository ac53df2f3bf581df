"""Dropping the softmax NaN guards from the shipped model: what is dropped, what is kept,
and that the model computes the same to the bit without them."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort

from search.vectors.minilm import model_files
from search.vectors.nan_guard import without_softmax_nan_guards
from search.vectors.onnx_proto import model_class


def _op_types(model: bytes) -> list[str]:
    return [node.op_type for node in model_class().FromString(model).graph.node]


def test_the_shipped_model_loses_one_guard_per_layer_and_nothing_else() -> None:
    original = model_files()[0].read_bytes()
    edited, dropped = without_softmax_nan_guards(original)
    assert dropped == 6  # six attention layers
    before, after = _op_types(original), _op_types(edited)
    assert before.count("IsNaN") == 6 and "IsNaN" not in after
    assert before.count("Where") == after.count("Where") + 6  # the attention mask's stays
    assert len(after) == len(before) - 12


def test_without_the_guards_the_model_gives_the_same_numbers() -> None:
    original = model_files()[0].read_bytes()
    edited, _ = without_softmax_nan_guards(original)
    ids = np.array([[101, 7592, 2088, 102, 0, 0], [101, 2023, 2003, 1037, 3231, 102]])
    mask = (ids != 0).astype(np.int64)  # padding: masked keys in the first row
    feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    outputs = [ort.InferenceSession(m).run(None, feeds)[0] for m in (original, edited)]
    assert np.array_equal(outputs[0], outputs[1])


def _graph(*nodes: tuple[str, list[str], str]) -> bytes:
    model = model_class()()
    for op, inputs, output in nodes:
        model.graph.node.add(op_type=op, input=inputs, output=[output])
    return bytes(model.SerializeToString())


GUARD = [("Softmax", ["x"], "p"), ("IsNaN", ["p"], "nan"), ("Where", ["nan", "zero", "p"], "q")]


def test_a_guard_goes_and_its_reader_reads_the_probabilities() -> None:
    edited, dropped = without_softmax_nan_guards(_graph(*GUARD, ("MatMul", ["q", "v"], "out")))
    nodes = model_class().FromString(edited).graph.node
    assert dropped == 1 and [n.op_type for n in nodes] == ["Softmax", "MatMul"]
    assert list(nodes[1].input) == ["p", "v"]


def test_guards_stay_when_their_test_or_result_is_used_otherwise() -> None:
    other_test_use = _graph(*GUARD, ("MatMul", ["q", "v"], "out"), ("Not", ["nan"], "n"))
    assert without_softmax_nan_guards(other_test_use) == (other_test_use, 0)
    graph_output = _graph(*GUARD)  # nothing reads q: the graph's output, named q
    assert without_softmax_nan_guards(graph_output) == (graph_output, 0)
