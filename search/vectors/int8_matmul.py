"""Run the model's weight products on int8 activations as well as int8 weights.

The model ships each weight matrix as int8 with one fp32 scale per column, read as
MatMul(x, Mul(Cast(q), scale)): ONNX Runtime folds that into an fp32 matrix at load,
and about 70 % of the embedding time was fp32 matrix products. Here each such MatMul
becomes ONNX Runtime's DynamicQuantizeMatMul on the shipped int8 matrix itself: the
activations are quantised to uint8 per run (one scale per run) and multiplied in
integers (VNNI where the CPU has it). The weights are used as shipped, not quantised
again; the vectors move (README, "Embedding throughput"), so the model identity does.

ONNX files are protobuf, read through search/vectors/onnx_proto.py (no `onnx`
package). The same input gives the same bytes.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from search.vectors.onnx_proto import model_class

_FLOAT, _INT8 = 1, 3  # TensorProto.DataType
_MS = "com.microsoft"


def with_int8_matmuls(model: bytes) -> tuple[bytes, int]:
    """The model with each MatMul(x, Mul(Cast(int8 initializer), per-column scale))
    replaced by DynamicQuantizeMatMul(x, int8, scale), and how many were replaced."""
    parsed = model_class().FromString(model)
    graph = parsed.graph
    nodes = list(graph.node)
    made_by = {out: node for node in nodes for out in node.output}
    uses = Counter(name for node in nodes for name in node.input)
    tensors = {t.name: t for t in graph.initializer}
    replaced: dict[int, Any] = {}  # id of a MatMul -> its replacement
    dead: set[int] = set()  # ids of the Mul and Cast it no longer needs
    for node in nodes:
        found = _weight_of(node, made_by, tensors, uses)
        if found is None:
            continue
        mul, cast, weight, scale = found
        # [1, columns] -> [columns]: the shape DynamicQuantizeMatMul reads per column.
        del scale.dims[:]
        scale.dims.append(weight.dims[1])
        replaced[id(node)] = _node(node, weight.name, scale.name)
        dead |= {id(mul), id(cast)}
    if not replaced:
        return model, 0
    kept = [replaced.get(id(n), n) for n in nodes if id(n) not in dead]
    del graph.node[:]
    graph.node.extend(kept)
    if not any(op.domain == _MS for op in parsed.opset_import):
        parsed.opset_import.add(domain=_MS, version=1)
    return parsed.SerializeToString(deterministic=True), len(replaced)


def _weight_of(
    node: Any, made_by: dict[str, Any], tensors: dict[str, Any], uses: Counter[str]
) -> tuple[Any, Any, Any, Any] | None:
    """(Mul, Cast, int8 matrix, scale) if `node` multiplies by a shipped int8 matrix
    that nothing else reads."""
    if node.op_type != "MatMul" or node.domain or len(node.input) != 2:
        return None
    mul = made_by.get(node.input[1])
    if mul is None or mul.op_type != "Mul" or uses[node.input[1]] != 1:
        return None
    cast = made_by.get(mul.input[0])
    scale = tensors.get(mul.input[1])
    if cast is None or cast.op_type != "Cast" or scale is None:
        return None
    if uses[mul.input[0]] != 1 or uses[mul.input[1]] != 1:
        return None
    weight = tensors.get(cast.input[0])
    if weight is None or weight.data_type != _INT8 or len(weight.dims) != 2:
        return None
    if scale.data_type != _FLOAT or not scale.raw_data:
        return None
    if list(scale.dims) not in ([1, weight.dims[1]], [weight.dims[1]]):
        return None
    return mul, cast, weight, scale


def _node(matmul: Any, weight: str, scale: str) -> Any:
    new = type(matmul)(name=f"{matmul.name}_int8", op_type="DynamicQuantizeMatMul", domain=_MS)
    new.input.extend([matmul.input[0], weight, scale])
    new.output.extend(matmul.output)
    return new
