"""Just enough of the Kubernetes protobuf encoding to read the bodies kubectl's typed clients send.

kubectl's typed clientsets (drain's eviction, for one) write request bodies as
`application/vnd.kubernetes.protobuf` whatever the server prefers, with no JSON fallback. The
envelope is the 4-byte magic `k8s\\x00` and a runtime.Unknown message
(staging/src/k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go,
runtime/generated.proto: typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2); the object inside
uses the field numbers of its generated.proto. Only the messages listed in MESSAGES are decoded
(others are answered 415, as for any unsupported media type): policy/v1 Eviction and the meta/v1
parts it carries, whose field numbers are those of k8s.io/api/policy/v1/generated.proto and
k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto.
"""

from __future__ import annotations

from typing import Any

MAGIC = b"k8s\x00"

# message -> field number -> (json name, type); type is "string", "int", "bool", a message name,
# "map" (map<string,string>), or "[]string" / "[]<message>" for repeated fields.
MESSAGES: dict[str, dict[int, tuple[str, str]]] = {
    "Unknown": {1: ("typeMeta", "TypeMeta"), 2: ("raw", "bytes")},
    "TypeMeta": {1: ("apiVersion", "string"), 2: ("kind", "string")},
    "ObjectMeta": {
        1: ("name", "string"),
        2: ("generateName", "string"),
        3: ("namespace", "string"),
        5: ("uid", "string"),
        6: ("resourceVersion", "string"),
        11: ("labels", "map"),
        12: ("annotations", "map"),
    },
    "Preconditions": {1: ("uid", "string"), 2: ("resourceVersion", "string")},
    "DeleteOptions": {
        1: ("gracePeriodSeconds", "int"),
        2: ("preconditions", "Preconditions"),
        3: ("orphanDependents", "bool"),
        4: ("propagationPolicy", "string"),
        5: ("dryRun", "[]string"),
    },
    "Eviction": {1: ("metadata", "ObjectMeta"), 2: ("deleteOptions", "DeleteOptions")},
}
KINDS = {("policy/v1", "Eviction"): "Eviction", ("v1", "DeleteOptions"): "DeleteOptions"}


class ProtobufError(ValueError):
    pass


def _varint(data: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        if i >= len(data):
            raise ProtobufError("truncated varint")
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def _fields(data: bytes) -> list[tuple[int, int | bytes]]:
    out: list[tuple[int, int | bytes]] = []
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, i = _varint(data, i)
            out.append((num, v))
        elif wire == 2:
            n, i = _varint(data, i)
            out.append((num, data[i : i + n]))
            i += n
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            raise ProtobufError(f"unsupported wire type {wire}")
    return out


def decode_message(name: str, data: bytes) -> dict[str, Any]:
    spec = MESSAGES[name]
    out: dict[str, Any] = {}
    for num, value in _fields(data):
        if num not in spec:
            continue
        field, type_ = spec[num]
        if type_ == "string" and isinstance(value, bytes):
            out[field] = value.decode()
        elif type_ == "bytes":
            out[field] = value
        elif type_ == "int" and isinstance(value, int):
            out[field] = value - (1 << 64) if value >= 1 << 63 else value
        elif type_ == "bool" and isinstance(value, int):
            out[field] = bool(value)
        elif type_ == "map" and isinstance(value, bytes):
            entry = {n: v for n, v in _fields(value)}
            k, v = entry.get(1, b""), entry.get(2, b"")
            if isinstance(k, bytes) and isinstance(v, bytes):
                out.setdefault(field, {})[k.decode()] = v.decode()
        elif type_ == "[]string" and isinstance(value, bytes):
            out.setdefault(field, []).append(value.decode())
        elif type_ in MESSAGES and isinstance(value, bytes):
            out[field] = decode_message(type_, value)
    return out


def decode(body: bytes) -> dict[str, Any]:
    """The JSON form of a protobuf-encoded object, or ProtobufError if it is not one we read."""
    if not body.startswith(MAGIC):
        raise ProtobufError("missing the k8s protobuf magic prefix")
    unknown = decode_message("Unknown", body[len(MAGIC) :])
    tm = unknown.get("typeMeta") or {}
    gvk = (tm.get("apiVersion", ""), tm.get("kind", ""))
    message = KINDS.get(gvk)
    if message is None:
        raise ProtobufError(f"no protobuf decoding for {gvk[0]}, Kind={gvk[1]}")
    obj = decode_message(message, unknown.get("raw", b""))
    return {"apiVersion": gvk[0], "kind": gvk[1], **obj}
