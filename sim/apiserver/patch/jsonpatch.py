"""JSON patch (RFC 6902/6901), as evanphx/json-patch v4.12.0 applies it.

The behaviour and messages of gopkg.in/evanphx/json-patch.v4 v4.12.0 `patch.go`, the version
k8s.io/apiserver 1.32 vendors. Its quirks are kept: `replace` of an absent object member adds
it, negative array indices count from the end, `add` and `remove` cannot target the whole
document (`""`), and `replace` of the whole document with a scalar is ignored. All or nothing:
operations apply in order to a private copy; a failure raises PatchError 400 for an
undecodable patch and 422 (upstream's generic message, the library's text as cause) otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sim.apiserver.patch.errors import _bad_request, _copy, _invalid, _json_kind


class _OpError(Exception):
    """A failed operation; the message is the library's error text."""


@contextmanager
def _wrapped(text: str, *, keep_cause: bool = True) -> Iterator[None]:
    """Re-raise a failure inside with upstream's wrapping text (`text: cause`, or `text`)."""
    try:
        yield
    except _OpError as e:
        raise _OpError(f"{text}: {e}" if keep_cause else text) from None


def _atoi(text: str) -> int:
    digits = text[1:] if text[:1] in "+-" else text
    if not digits or not digits.isascii() or not digits.isdigit():
        raise _OpError(f'strconv.Atoi: parsing "{text}": invalid syntax')
    return int(text)


def _bad_index(index: int) -> _OpError:
    return _OpError(f"Unable to access invalid index: {index}: invalid index referenced")


def _list_index(items: list[Any], key: str) -> int:
    """An existing position; a negative one counts from the end, as in v4 and in Python."""
    index = _atoi(key)
    if index < -len(items) or index >= len(items):
        raise _bad_index(index)
    return index


def _get(container: Any, key: str) -> Any:
    if isinstance(container, dict):
        return container.get(key)
    return container[_list_index(container, key)]


def _add(container: Any, key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
        return
    if key == "-":
        container.append(value)
        return
    with _wrapped(f"value was not a proper array index: '{key}'"):
        index = _atoi(key)
    size = len(container) + 1
    if index >= size or index < -size:
        raise _bad_index(index)
    container.insert(index + size if index < 0 else index, value)


def _remove(container: Any, key: str) -> None:
    if isinstance(container, dict):
        if key not in container:
            raise _OpError(f"Unable to remove nonexistent key: {key}: missing value")
        del container[key]
        return
    del container[_list_index(container, key)]


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _find_object(doc: Any, path: str) -> tuple[Any, str] | None:
    """The container holding `path`'s last token, and that token; None where v4 finds none."""
    tokens = path.split("/")
    if len(tokens) < 2:
        return None
    container = doc
    for token in tokens[1:-1]:
        try:
            container = _get(container, _unescape(token))
        except _OpError:
            return None
        if not isinstance(container, dict | list):
            return None
    return container, _unescape(tokens[-1])


def _op_field(op: Mapping[str, Any], name: str) -> str:
    value = op.get(name)
    if value is None:
        missing = (
            "operation missing path field" if name == "path" else "operation, missing from field"
        )
        raise _OpError(f"{missing}: missing value")
    if not isinstance(value, str):
        raise _OpError(f"json: cannot unmarshal {_json_kind(value)} into Go value of type string")
    return value


def _json_equal(a: Any, b: Any) -> bool:
    """Structural JSON equality: numbers compare by value, booleans are not numbers."""
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        return (
            isinstance(a, Mapping)
            and isinstance(b, Mapping)
            and a.keys() == b.keys()
            and all(_json_equal(a[k], b[k]) for k in a)
        )
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return (
            isinstance(a, list | tuple)
            and isinstance(b, list | tuple)
            and len(a) == len(b)
            and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


def _locate(doc: Any, path: str, missing: str) -> tuple[Any, str]:
    found = _find_object(doc, path)
    if found is None:
        raise _OpError(f"{missing}: missing value")
    return found


def _op_add(box: list[Any], op: Mapping[str, Any]) -> None:
    with _wrapped("add operation failed to decode path: missing value", keep_cause=False):
        path = _op_field(op, "path")
    missing = f'add operation does not apply: doc is missing path: "{path}"'
    container, key = _locate(box[0], path, missing)
    with _wrapped(f"error in add for path: '{path}'"):
        _add(container, key, _copy(op.get("value")))


def _op_remove(box: list[Any], op: Mapping[str, Any]) -> None:
    with _wrapped("remove operation failed to decode path: missing value", keep_cause=False):
        path = _op_field(op, "path")
    missing = f'remove operation does not apply: doc is missing path: "{path}"'
    container, key = _locate(box[0], path, missing)
    with _wrapped(f"error in remove for path: '{path}'"):
        _remove(container, key)


def _op_replace(box: list[Any], op: Mapping[str, Any]) -> None:
    with _wrapped("replace operation failed to decode path"):
        path = _op_field(op, "path")
    value = op.get("value")
    if path == "":
        if isinstance(value, Mapping | list | tuple):  # v4 silently ignores anything else
            box[0] = _copy(value)
        return
    missing = f"replace operation does not apply: doc is missing path: {path}"
    container, key = _locate(box[0], path, missing)
    if isinstance(container, dict):
        container[key] = _copy(value)  # v4 finds no fault with an absent member: it is added
        return
    missing = f"replace operation does not apply: doc is missing key: {path}: missing value"
    with _wrapped(missing, keep_cause=False):
        index = _list_index(container, key)
    container[index] = _copy(value)


def _op_move(box: list[Any], op: Mapping[str, Any]) -> None:
    with _wrapped("move operation failed to decode from"):
        source = _op_field(op, "from")
    missing = f"move operation does not apply: doc is missing from path: {source}"
    container, key = _locate(box[0], source, missing)
    with _wrapped(f"error in move for path: '{key}'"):
        value = _get(container, key)
        _remove(container, key)
    with _wrapped("move operation failed to decode path"):
        path = _op_field(op, "path")
    missing = f"move operation does not apply: doc is missing destination path: {path}"
    container, key = _locate(box[0], path, missing)
    with _wrapped(f"error in move for path: '{path}'"):
        _add(container, key, value)


def _op_test(box: list[Any], op: Mapping[str, Any]) -> None:
    with _wrapped("test operation failed to decode path"):
        path = _op_field(op, "path")
    expected = op.get("value")
    actual = box[0]
    if path:
        missing = f"test operation does not apply: is missing path: {path}"
        container, key = _locate(box[0], path, missing)
        with _wrapped(f"error in test for path: '{path}'"):
            actual = _get(container, key)
    if actual is None and expected is None:
        return
    if actual is None or "value" not in op or not _json_equal(actual, expected):
        raise _OpError(f"testing value {path} failed: test failed")


def _op_copy(box: list[Any], op: Mapping[str, Any]) -> None:
    with _wrapped("copy operation failed to decode from"):
        source = _op_field(op, "from")
    missing = f"copy operation does not apply: doc is missing from path: {source}"
    container, key = _locate(box[0], source, missing)
    with _wrapped(f"error in copy for from: '{source}'"):
        value = _get(container, key)  # an absent object member copies as null, as in v4
    with _wrapped("copy operation failed to decode path: missing value", keep_cause=False):
        path = _op_field(op, "path")
    missing = f"copy operation does not apply: doc is missing destination path: {path}"
    container, key = _locate(box[0], path, missing)
    with _wrapped("error while adding value during copy"):
        _add(container, key, _copy(value))


_OPERATIONS: dict[str, Callable[[list[Any], Mapping[str, Any]], None]] = {
    "add": _op_add,
    "remove": _op_remove,
    "replace": _op_replace,
    "move": _op_move,
    "test": _op_test,
    "copy": _op_copy,
}


def _decode_operations(operations: Any) -> list[Mapping[str, Any]]:
    """jsonpatch.DecodePatch: a JSON array of objects (null decodes as no operations)."""
    if operations is None:
        return []
    if not isinstance(operations, list | tuple):
        kind = _json_kind(operations)
        raise _bad_request(f"json: cannot unmarshal {kind} into Go value of type jsonpatch.Patch")
    for op in operations:
        if op is not None and not isinstance(op, Mapping):
            kind = _json_kind(op)
            raise _bad_request(
                f"json: cannot unmarshal {kind} into Go value of type jsonpatch.Operation"
            )
    return [op if op is not None else {} for op in operations]


def json_patch(original: Any, operations: Any) -> Any:
    """Apply RFC 6902 `operations` in order to a copy of `original`; all or nothing.

    Raises PatchError 400 for an undecodable patch and 422 (upstream's generic message, the
    library's text as `cause`) for an operation that does not apply.
    """
    ops = _decode_operations(operations)
    if not isinstance(original, Mapping | list | tuple):
        raise _bad_request(f"json: cannot unmarshal {_json_kind(original)} into a JSON document")
    box = [_copy(original)]
    for op in ops:
        kind = op.get("op")
        kind = kind if isinstance(kind, str) else "unknown"
        apply = _OPERATIONS.get(kind)
        try:
            if apply is None:
                raise _OpError(f"Unexpected kind: {kind}")
            apply(box, op)
        except _OpError as e:
            raise _invalid(str(e)) from None
    return box[0]
