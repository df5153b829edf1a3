"""Edits to an ONNX model made on its raw protobuf bytes.

The ``onnx`` package is not shipped (it would be the only user of protobuf's C++ runtime here),
and the edits are few: a few lines of wire format each, 0.1 s for a 63 MB voice model. Field
numbers are onnx.proto's: ModelProto.graph = 7, .opset_import = 8; GraphProto.node = 1,
.output = 12; NodeProto.input = 1, .output = 2, .name = 3, .op_type = 4, .attribute = 5,
.domain = 7; ValueInfoProto.name = 1; OperatorSetIdProto.domain = 1, .version = 2.
"""

from __future__ import annotations

from dataclasses import dataclass


def _read_varint(buf: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


# (field number, wire type, payload start, payload end)
Field = tuple[int, int, int, int]


def _fields(buf: bytes, start: int, end: int) -> list[Field]:
    """(field number, wire type, payload start, payload end) of each field in buf[start:end]."""
    out = []
    i = start
    while i < end:
        key_start = i
        key, i = _read_varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, i_end = _read_varint(buf, i)
        elif wire == 1:
            i_end = i + 8
        elif wire == 2:
            length, i = _read_varint(buf, i)
            i_end = i + length
        elif wire == 5:
            i_end = i + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire} at byte {key_start}")
        out.append((number, wire, i, i_end))
        i = i_end
    return out


def _length_delimited(number: int, payload: bytes) -> bytes:
    return _varint((number << 3) | 2) + _varint(len(payload)) + payload


def _raw_field(buf: bytes, number: int, wire: int, start: int, end: int) -> bytes:
    """A field re-emitted untouched: its key and length prefix precede ``start``."""
    prefix = len(_varint((number << 3) | wire)) + (len(_varint(end - start)) if wire == 2 else 0)
    return buf[start - prefix : end]


def _model_fields(model: bytes) -> tuple[list[Field], Field]:
    """The model's top-level fields, and its one graph among them."""
    top = _fields(model, 0, len(model))
    graph = [f for f in top if f[0] == 7 and f[1] == 2]
    if len(graph) != 1:
        raise ValueError("model has no single graph")
    return top, graph[0]


def _with_graph(model: bytes, top: list[Field], graph_bytes: bytes) -> bytearray:
    """The model rebuilt with ``graph_bytes`` as its graph, every other field as it was."""
    rebuilt = bytearray()
    for field in top:
        is_graph = field[0] == 7 and field[1] == 2
        rebuilt += _length_delimited(7, graph_bytes) if is_graph else _raw_field(model, *field)
    return rebuilt


def with_duration_output(model: bytes, op_type: str = "Ceil") -> tuple[bytes, str]:
    """The ONNX model with the duration tensor (output of the single ``op_type`` node: ``Ceil`` in
    Piper's VITS, ``Clip`` after the rounding in Kokoro's) as an extra graph output.
    ModelProto.graph = 7; GraphProto.node = 1, .output = 12; NodeProto.output = 2, .op_type = 4;
    ValueInfoProto.name = 1."""
    top, (_, _, g_start, g_end) = _model_fields(model)
    ceil_outputs: list[str] = []
    outputs: list[str] = []
    for number, wire, start, end in _fields(model, g_start, g_end):
        if wire != 2:
            continue
        if number == 1:
            sub = _fields(model, start, end)
            op = [model[s:e].decode() for n, w, s, e in sub if n == 4 and w == 2]
            if op == [op_type]:
                ceil_outputs += [model[s:e].decode() for n, w, s, e in sub if n == 2 and w == 2]
        elif number == 12:
            outputs += [model[s:e].decode() for n, w, s, e in _fields(model, start, end) if n == 1 and w == 2]
    if len(ceil_outputs) != 1:
        raise ValueError(f"expected one {op_type} tensor, found {ceil_outputs}")
    name = ceil_outputs[0]
    if name in outputs:
        return model, name
    graph_bytes = model[g_start:g_end] + _length_delimited(12, _length_delimited(1, name.encode()))
    return bytes(_with_graph(model, top, graph_bytes)), name


@dataclass
class _Node:
    slot: int  # its place among the graph's fields
    fields: list[Field]
    inputs: list[str]
    outputs: list[str]
    op_type: str
    domain: str


def _strings(buf: bytes, fields: list[Field], number: int) -> list[str]:
    return [buf[s:e].decode() for n, w, s, e in fields if n == number and w == 2]


def fuse_residual_adds(model: bytes) -> tuple[bytes, int]:
    """The model with each ``Add(Conv(x), r)`` whose convolution feeds nothing else made one
    ``com.microsoft.FusedConv`` with ``r`` as its sum input, and how many were fused.

    onnxruntime fuses a convolution with its activation, but on the CPU the sum only in 2-D
    (NCHWc) convolutions: a VITS decoder's residual blocks are 1-D, so each ``Add`` read two
    tensors of up to 32 channels by the audio's length and wrote a third (17 % of Piper's
    kernel time). Summed inside the convolution's output the pass is gone: 6.42 -> 5.80 CPU-s
    for the bench's 40 s of speech, the same samples within 7e-5 (float rounding, below a
    16-bit step) and the same lengths. The edit costs 0.4 s once, as the voice loads."""
    top, (_, _, g_start, g_end) = _model_fields(model)
    graph_fields = _fields(model, g_start, g_end)
    nodes: list[_Node] = []
    graph_outputs: set[str] = set()
    for slot, (number, wire, start, end) in enumerate(graph_fields):
        if number == 1 and wire == 2:
            sub = _fields(model, start, end)
            op_type, domain = _strings(model, sub, 4), _strings(model, sub, 7)
            nodes.append(
                _Node(
                    slot,
                    sub,
                    _strings(model, sub, 1),
                    _strings(model, sub, 2),
                    op_type[0] if op_type else "",
                    domain[0] if domain else "",
                )
            )
        elif number == 12 and wire == 2:
            graph_outputs.update(_strings(model, _fields(model, start, end), 1))
    producer = {name: node for node in nodes for name in node.outputs}
    uses: dict[str, int] = {}
    for node in nodes:
        for name in node.inputs:
            uses[name] = uses.get(name, 0) + 1

    replaced: dict[int, bytes] = {}  # graph field slot -> its new bytes (b"" drops it)
    for add in nodes:
        if add.op_type != "Add" or add.domain not in ("", "ai.onnx") or len(add.inputs) != 2:
            continue
        for summed, other in (add.inputs, add.inputs[::-1]):
            conv = producer.get(summed)
            if (
                conv is None
                or conv.op_type != "Conv"
                or conv.domain not in ("", "ai.onnx")
                or conv.slot in replaced
                or uses.get(summed) != 1
                or summed in graph_outputs
                or other == summed
                or len(conv.inputs) > 3
            ):
                continue
            # X, W, B (empty: none), Z; the Add's output; the convolution's name and attributes.
            inputs = [*conv.inputs, *[""] * (3 - len(conv.inputs)), other]
            body = b"".join(_length_delimited(1, name.encode()) for name in inputs)
            body += _length_delimited(2, add.outputs[0].encode())
            body += b"".join(_raw_field(model, *f) for f in conv.fields if f[0] in (3, 5))
            body += _length_delimited(4, b"FusedConv") + _length_delimited(7, b"com.microsoft")
            # In the Add's place: both its inputs are made by then.
            replaced[conv.slot], replaced[add.slot] = b"", _length_delimited(1, body)
            break
    if not replaced:
        return model, 0
    graph_bytes = b"".join(
        replaced[slot] if slot in replaced else _raw_field(model, *field)
        for slot, field in enumerate(graph_fields)
    )
    rebuilt = _with_graph(model, top, graph_bytes)
    imported = {
        d for n, w, s, e in top if n == 8 and w == 2 for d in _strings(model, _fields(model, s, e), 1)
    }
    if "com.microsoft" not in imported:
        rebuilt += _length_delimited(8, _length_delimited(1, b"com.microsoft") + _varint(2 << 3) + _varint(1))
    return bytes(rebuilt), len(replaced) // 2
