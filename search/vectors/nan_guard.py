"""Drop the NaN guards after attention's softmax from an exported ONNX model.

PyTorch exports scaled_dot_product_attention as Softmax -> IsNaN -> Where(nan, 0, p): a
row whose keys are all masked would give NaN. Ours never are (every text keeps at
least [CLS] and [SEP] unmasked), so each Where returns p itself, bit for bit, yet
costs a pass over every [batch, heads, tokens, tokens] tensor plus a buffer for it.
Without them the evaluation corpus embeds with about 3 % less CPU, to identical
vectors (README, "Embedding throughput").

ONNX files are protobuf, read through search/vectors/onnx_proto.py (no `onnx`
package): weights and attributes are written back untouched.
"""

from __future__ import annotations

from collections import Counter

from search.vectors.onnx_proto import model_class


def without_softmax_nan_guards(model: bytes) -> tuple[bytes, int]:
    """The model with each Where(IsNaN(p), _, p) after a Softmax p replaced by p, and
    how many were dropped (0: the model is returned as it was)."""
    parsed = model_class().FromString(model)
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
