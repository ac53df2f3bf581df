"""The part of the ONNX model format the graph edits read (search/vectors/nan_guard.py,
int8_matmul.py): only the fields they use are declared, with their numbers from the
ONNX specification; protobuf keeps every other field as it read it, so weights and
attributes are written back untouched without the `onnx` package."""

from __future__ import annotations

from functools import cache
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_F = descriptor_pb2.FieldDescriptorProto
# (field, number, type, message type or None, repeated)
_LAYOUT: dict[str, list[tuple[str, int, int, str | None, bool]]] = {
    "Node": [
        ("input", 1, _F.TYPE_STRING, None, True),
        ("output", 2, _F.TYPE_STRING, None, True),
        ("name", 3, _F.TYPE_STRING, None, False),
        ("op_type", 4, _F.TYPE_STRING, None, False),
        ("domain", 7, _F.TYPE_STRING, None, False),
    ],
    "Tensor": [
        ("dims", 1, _F.TYPE_INT64, None, True),
        ("data_type", 2, _F.TYPE_INT32, None, False),
        ("name", 8, _F.TYPE_STRING, None, False),
        ("raw_data", 9, _F.TYPE_BYTES, None, False),
    ],
    "Graph": [
        ("node", 1, _F.TYPE_MESSAGE, "Node", True),
        ("initializer", 5, _F.TYPE_MESSAGE, "Tensor", True),
    ],
    "OpsetId": [
        ("domain", 1, _F.TYPE_STRING, None, False),
        ("version", 2, _F.TYPE_INT64, None, False),
    ],
    "Model": [
        ("graph", 7, _F.TYPE_MESSAGE, "Graph", False),
        ("opset_import", 8, _F.TYPE_MESSAGE, "OpsetId", True),
    ],
}


@cache
def model_class() -> Any:
    """The ModelProto message class of that subset."""
    file = descriptor_pb2.FileDescriptorProto(
        name="evidence_onnx.proto", package="evidence_onnx", syntax="proto3"
    )
    for name, fields in _LAYOUT.items():
        message = file.message_type.add(name=name)
        for field, number, kind, of, repeated in fields:
            entry = message.field.add(name=field, number=number, type=kind)
            entry.label = _F.LABEL_REPEATED if repeated else _F.LABEL_OPTIONAL
            if of:
                entry.type_name = f".evidence_onnx.{of}"
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("evidence_onnx.Model"))
