"""Drop the NaN guards after attention's softmax from an exported ONNX model.

PyTorch exports scaled_dot_product_attention as Softmax -> IsNaN -> Where(nan, 0, p): a
row whose keys are all masked would give NaN. Ours never are (every text keeps at
least [CLS] and [SEP] unmasked), so each Where returns p itself, bit for bit, yet
costs a pass over every [batch, heads, tokens, tokens] tensor plus a buffer for it.
Without them the evaluation corpus embeds with about 3 % less CPU, to identical
vectors (README, "Embedding throughput").

ONNX files are protobuf. Only the fields used here are declared (numbers from the
ONNX specification: ModelProto.graph = 7, GraphProto.node = 1, NodeProto.input = 1,
output = 2, op_type = 4); protobuf keeps every other field as it read it, so weights
and attributes are written back untouched without the `onnx` package.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_F = descriptor_pb2.FieldDescriptorProto


def _model_class() -> Any:
    file = descriptor_pb2.FileDescriptorProto(
        name="evidence_onnx_subset.proto", package="evidence_onnx_subset", syntax="proto3"
    )
    layout: dict[str, list[tuple[str, int, str | None]]] = {
        "Node": [("input", 1, None), ("output", 2, None), ("op_type", 4, None)],
        "Graph": [("node", 1, "Node")],
        "Model": [("graph", 7, "Graph")],
    }
    for name, fields in layout.items():
        message = file.message_type.add(name=name)
        for field, number, of in fields:
            repeated = name != "Model" and field != "op_type"
            entry = message.field.add(name=field, number=number)
            entry.label = _F.LABEL_REPEATED if repeated else _F.LABEL_OPTIONAL
            entry.type = _F.TYPE_MESSAGE if of else _F.TYPE_STRING
            if of:
                entry.type_name = f".evidence_onnx_subset.{of}"
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("evidence_onnx_subset.Model"))


def without_softmax_nan_guards(model: bytes) -> tuple[bytes, int]:
    """The model with each Where(IsNaN(p), _, p) after a Softmax p replaced by p, and
    how many were dropped (0: the model is returned as it was)."""
    parsed = _model_class().FromString(model)
    nodes = list(parsed.graph.node)
    made_by = {out: node for node in nodes for out in node.output}
    uses = Counter(name for node in nodes for name in node.input)
    renamed: dict[str, str] = {}  # a guard's output -> the probabilities it passes on
    dropped: set[str] = set()  # outputs of the dropped IsNaN and Where nodes
    for node in nodes:
        if node.op_type != "Where" or len(node.input) != 3:
            continue
        test, probs = made_by.get(node.input[0]), made_by.get(node.input[2])
        if (
            test is not None
            and test.op_type == "IsNaN"
            and list(test.input) == [node.input[2]]
            and uses[node.input[0]] == 1  # the IsNaN feeds this Where only
            and uses[node.output[0]] > 0  # not a graph output, whose name must stay
            and probs is not None
            and probs.op_type == "Softmax"
        ):
            renamed[node.output[0]] = node.input[2]
            dropped |= {node.output[0], node.input[0]}
    if not renamed:
        return model, 0
    kept = [node for node in nodes if node.output[0] not in dropped]
    for node in kept:
        node.input[:] = [renamed.get(name, name) for name in node.input]
    del parsed.graph.node[:]
    parsed.graph.node.extend(kept)
    return parsed.SerializeToString(), len(renamed)
