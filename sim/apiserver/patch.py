"""PATCH bodies applied to JSON objects: JSON merge patch, JSON patch and strategic merge patch.

Guarantees:
- Pure functions with no state and no transport. Inputs are never mutated (they may be frozen
  read-only values from `sim.api.frozen`); every result is a fresh tree of plain dicts and lists.
- Deterministic: keys are visited in insertion order wherever upstream iterates a Go map, so one
  input always gives one output.
- Failures raise `PatchError` carrying the HTTP code, Status reason and message the apiserver
  would answer with, plus the library's specific `cause`.

Upstream, read for facts (Kubernetes 1.32):
- `json_merge_patch`: RFC 7386 (the apiserver uses gopkg.in/evanphx/json-patch.v4 `merge.go`).
- `json_patch`: RFC 6902/6901 with the behaviour and messages of gopkg.in/evanphx/json-patch.v4
  v4.12.0 `patch.go`, the version k8s.io/apiserver 1.32 vendors. Its quirks are kept: `replace`
  of an absent object member adds it, negative array indices count from the end, `add` and
  `remove` cannot target the whole document (`""`), and `replace` of the whole document with a
  scalar is ignored.
- `strategic_merge_patch`: k8s.io/apimachinery/pkg/util/strategicpatch/patch.go (`mergeMap`,
  `mergeSlice`, `mergePatchIntoOriginal`, `normalizeElementOrder`) and
  k8s.io/apimachinery/pkg/util/mergepatch/errors.go. Merge keys come from the `patchStrategy` /
  `patchMergeKey` struct tags of k8s.io/api core/v1, apps/v1, discovery/v1 types.go and
  k8s.io/apimachinery/pkg/apis/meta/v1/types.go, tabulated in `PATCH_META`.
- `apply_patch`: k8s.io/apiserver/pkg/endpoints/handlers/patch.go (dispatch, the 10000-operation
  limit, `interpretStrategicMergePatchError`), endpoints/installer.go (accepted media types) and
  handlers/negotiation/errors.go (the 415 text).

One deliberate difference: where upstream copies patch content into the object wholesale (new
fields, appended list items, `$patch: replace`, atomic lists) this module drops null map values
and directive markers from it, which is what the apiserver's typed decode does before storing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, NamedTuple

from sim.api.errors import ApiError, status_dict

# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------

GENERIC_INVALID = "the server rejected our request due to an error in our request"
_MEDIA_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
)
MAX_JSON_PATCH_OPERATIONS = 10000


class PatchError(ValueError):
    """A patch that cannot be applied, as the apiserver reports it.

    `message` is the Status message (for a failed JSON patch that is upstream's generic 422
    text), `cause` the library's specific reason, `code` the HTTP status and `reason` the Status
    reason ("" where upstream returns a bare error, which it serves as a 500).
    """

    def __init__(self, message: str, *, cause: str = "", code: int = 422, reason: str = "Invalid"):
        self.message = message
        self.cause = cause or message
        self.code = code
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.cause == self.message:
            return self.message
        return f"{self.message}: {self.cause}"

    def to_api_error(self) -> ApiError:
        """The Status the apiserver answers with; the specific cause rides in details.causes."""
        details = {"causes": [{"message": self.cause}]} if self.cause != self.message else None
        status = status_dict(self.code, self.reason, self.message, details)
        if not self.reason:
            del status["reason"]
        return ApiError(status)


def _invalid(cause: str) -> PatchError:
    """A 422 with the generic message, as NewGenericServerResponse builds it."""
    return PatchError(GENERIC_INVALID, cause=cause)


def _bad_request(message: str) -> PatchError:
    return PatchError(message, code=400, reason="BadRequest")


def _internal(message: str) -> PatchError:
    """An error upstream returns unconverted; ErrorToAPIStatus serves it as a reasonless 500."""
    return PatchError(message, code=500, reason="")


def _go_float(x: float) -> str:
    """Go's %v for a float64 (strconv 'g', shortest digits, exponent from 1e+06 up)."""
    if x != x or x in (float("inf"), float("-inf")):
        return {"nan": "NaN", "inf": "+Inf", "-inf": "-Inf"}[repr(x)]
    if x == 0:
        return "0"
    sign, digit_tuple, exponent = Decimal(repr(x)).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + int(exponent)
    neg = "-" if sign else ""
    if point - 1 < -4 or point - 1 >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        e = point - 1
        return f"{neg}{mantissa}e{'-' if e < 0 else '+'}{abs(e):02d}"
    if point <= 0:
        return f"{neg}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return neg + digits + "0" * (point - len(digits))
    return f"{neg}{digits[:point]}.{digits[point:]}"


def _gofmt(value: Any) -> str:
    """Go's %v of a decoded JSON value (maps print with sorted keys)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{_gofmt(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list | tuple):
        return "[" + " ".join(_gofmt(v) for v in value) + "]"
    return str(value)


def _go_type(value: Any) -> str:
    """reflect.TypeOf(value) printed with %s, for a decoded JSON value."""
    if value is None:
        return "%!s(<nil>)"
    for python_type, name in (
        (bool, "bool"),
        (int, "int64"),
        (float, "float64"),
        (str, "string"),
        (Mapping, "map[string]interface {}"),
    ):
        if isinstance(value, python_type):
            return name
    return "[]interface {}"


def _go_s(value: Any) -> str:
    """Go's %s of a decoded JSON value."""
    if isinstance(value, str):
        return value
    return "%!s(<nil>)" if value is None else f"%!s({_go_type(value)}={_gofmt(value)})"


def _bad_arg_type(expected: str, actual: Any) -> PatchError:
    return _internal(f"expected a {expected}, but received a {_go_type(actual)}")


def _no_merge_key(item: Any, key: str) -> PatchError:
    return _internal(f"map: {_gofmt(item)} does not contain declared merge key: {key}")


def _json_kind(value: Any) -> str:
    """The JSON kind encoding/json names in 'cannot unmarshal X into Go value of type Y'."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, Mapping) else "array"


# ---------------------------------------------------------------------------------------------
# Patch metadata: the patchStrategy/patchMergeKey struct tags, as data
# ---------------------------------------------------------------------------------------------


class FieldMeta(NamedTuple):
    """A field's `patchStrategy` tag ("merge", "replace", "retainKeys", "merge,retainKeys") and
    `patchMergeKey` ("" for lists of scalars)."""

    strategy: str
    merge_key: str = ""

    @property
    def merges(self) -> bool:
        return "merge" in self.strategy.split(",")

    @property
    def replaces(self) -> bool:
        return "replace" in self.strategy.split(",")


# (field path relative to where the rules are mounted, patchStrategy, patchMergeKey); a path
# step "x[]" means "each element of list x".
Rules = tuple[tuple[str, str, str], ...]


def at(prefix: str, rules: Rules) -> Rules:
    """Mount `rules` under the dotted field path `prefix`."""
    return tuple((f"{prefix}.{path}", strategy, key) for path, strategy, key in rules)


def kind_rules(kind: str, *groups: Rules) -> dict[tuple[str, str], FieldMeta]:
    """Table rows for one kind, keyed by (kind, field path pattern)."""
    return {(kind, path): FieldMeta(s, k) for group in groups for path, s, k in group}


OBJECT_META_RULES: Rules = (  # meta/v1 ObjectMeta
    ("ownerReferences", "merge", "uid"),
    ("finalizers", "merge", ""),
)
CONTAINER_RULES: Rules = (  # core/v1 Container and EphemeralContainerCommon
    ("ports", "merge", "containerPort"),  # not protocol: upstream merges by containerPort only
    ("env", "merge", "name"),
    ("volumeMounts", "merge", "mountPath"),
    ("volumeDevices", "merge", "devicePath"),
)
POD_SPEC_RULES: Rules = (  # core/v1 PodSpec
    ("volumes", "merge,retainKeys", "name"),
    ("initContainers", "merge", "name"),
    ("containers", "merge", "name"),
    ("ephemeralContainers", "merge", "name"),
    ("imagePullSecrets", "merge", "name"),
    ("hostAliases", "merge", "ip"),
    ("topologySpreadConstraints", "merge", "topologyKey"),
    ("schedulingGates", "merge", "name"),
    ("resourceClaims", "merge,retainKeys", "name"),
    *at("initContainers[]", CONTAINER_RULES),
    *at("containers[]", CONTAINER_RULES),
    *at("ephemeralContainers[]", CONTAINER_RULES),
)
POD_TEMPLATE_RULES: Rules = (*at("metadata", OBJECT_META_RULES), *at("spec", POD_SPEC_RULES))
POD_STATUS_RULES: Rules = (
    ("conditions", "merge", "type"),
    ("hostIPs", "merge", "ip"),
    ("podIPs", "merge", "ip"),
    ("resourceClaimStatuses", "merge,retainKeys", "name"),
)
CONDITIONS_RULES: Rules = (("conditions", "merge", "type"),)
NODE_STATUS_RULES: Rules = (("conditions", "merge", "type"), ("addresses", "merge", "type"))
_META: Rules = at("metadata", OBJECT_META_RULES)

# Adding a kind is one line; a pod template is mounted with at("<path to template>", ...).
PATCH_META: dict[tuple[str, str], FieldMeta] = {
    **kind_rules("Pod", _META, at("spec", POD_SPEC_RULES), at("status", POD_STATUS_RULES)),
    **kind_rules(
        "Deployment",
        _META,
        (("spec.strategy", "retainKeys", ""),),
        at("spec.template", POD_TEMPLATE_RULES),
        at("status", CONDITIONS_RULES),
    ),
    **kind_rules(
        "ReplicaSet", _META, at("spec.template", POD_TEMPLATE_RULES), at("status", CONDITIONS_RULES)
    ),
    **kind_rules(
        "Service", _META, (("spec.ports", "merge", "port"),), at("status", CONDITIONS_RULES)
    ),
    **kind_rules("Node", _META, (("spec.podCIDRs", "merge", ""),), at("status", NODE_STATUS_RULES)),
    **kind_rules("Namespace", _META, at("status", CONDITIONS_RULES)),
    **kind_rules("Endpoints", _META),
    **kind_rules("EndpointSlice", _META),
    **kind_rules("Lease", _META),
    **kind_rules("Event", _META),
    **kind_rules("ConfigMap", _META),
    **kind_rules("PriorityClass", _META),
}


def merge_key_for(kind: str, path: Sequence[str | int]) -> str | None:
    """The `patchMergeKey` of the list at `path` in `kind` ("" for a merged list of scalars), or
    None for a list that is replaced whole. A list element in `path` is an index or "[]"."""
    pattern = ""
    for step in path:
        if isinstance(step, int) or step == "[]":
            pattern += "[]"
        else:
            pattern = f"{pattern}.{step}" if pattern else step
    row = PATCH_META.get((kind, pattern))
    return row.merge_key if row is not None and row.merges else None


def _kind_meta(kind: str) -> dict[str, FieldMeta] | None:
    """The rows for `kind` keyed by path, or None for a kind with no table (merge-patched)."""
    rows = {path: meta for (k, path), meta in PATCH_META.items() if k == kind}
    return rows or None


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------

_SCALARS = (str, int, float, bool, type(None))


def _copy(value: Any) -> Any:
    """A private deep copy made of plain dicts, lists and builtin scalars."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(v) for v in value]
    for base in (bool, int, float, str):  # enum members and other scalar subclasses
        if isinstance(value, base):
            return base(value)
    return value


def _same(a: Any, b: Any) -> bool:
    """Go's interface equality for decoded JSON scalars: the type must match too."""
    return type(a) is type(b) and a == b


# ---------------------------------------------------------------------------------------------
# JSON merge patch (RFC 7386)
# ---------------------------------------------------------------------------------------------


def json_merge_patch(original: Any, patch: Any) -> Any:
    """RFC 7386: nulls delete, objects merge recursively, anything else replaces the target."""
    if not isinstance(patch, Mapping):
        return _copy(patch)
    target = _copy(original) if isinstance(original, Mapping) else {}
    return _merge_object(target, patch)


def _merge_object(target: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, Mapping):
            current = target.get(key)
            target[key] = _merge_object(current if isinstance(current, dict) else {}, value)
        else:
            target[key] = _copy(value)
    return target


# ---------------------------------------------------------------------------------------------
# JSON patch (RFC 6902, as evanphx/json-patch v4.12.0 applies it)
# ---------------------------------------------------------------------------------------------


class _OpError(Exception):
    """A failed operation; the message is the library's error text."""


_ABSENT = object()


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


# ---------------------------------------------------------------------------------------------
# Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch/patch.go)
# ---------------------------------------------------------------------------------------------

_PATCH = "$patch"
_RETAIN = "$retainKeys"
_DELETE_PREFIX = "$deleteFromPrimitiveList"
_ORDER_PREFIX = "$setElementOrder"
_Meta = dict[str, FieldMeta]


def _is_directive_key(key: str) -> bool:
    return key in (_PATCH, _RETAIN) or key.startswith((_DELETE_PREFIX, _ORDER_PREFIX))


def _clean(value: Any) -> tuple[Any, bool]:
    """Patch content taken wholesale: null members and directive keys dropped, maps carrying
    `$patch` removed (upstream discardNullValuesFromPatch and removeDirectives). The flag says
    whether the value survives at all."""
    if isinstance(value, dict):
        if value.get(_PATCH) is not None:
            return None, False
        out = {}
        for key, item in value.items():
            if item is None or _is_directive_key(key):
                continue
            cleaned, keep = _clean(item)
            if keep:
                out[key] = cleaned
        return out, True
    if isinstance(value, list):
        return [c for c, keep in map(_clean, value) if keep], True
    return value, True


def _child(path: str | None, key: str) -> str | None:
    """The table path of member `key`; None once a key cannot be a struct field."""
    if path is None or "." in key or "[" in key:
        return None
    return f"{path}.{key}" if path else key


def _directive_field(key: str, prefix: str) -> str:
    head, sep, field = key.partition("/")
    if not sep or head != prefix:
        which = "primitive list" if prefix == _DELETE_PREFIX else "setElementOrder list"
        raise _bad_request(f"invalid patch format of {which}")
    return field


def _element_is_map(*lists: Sequence[Any]) -> bool:
    """sliceElementType: every element of every list has one type, and it is not a list."""
    first: type | None = None
    for items in lists:
        for item in items:
            if first is None:
                first = type(item)
                if first is list:
                    raise _invalid("lists of lists are not supported")
            elif type(item) is not first:
                raise _internal(f"list element types are not identical: {_gofmt(list(lists))}")
    if first is None:
        raise _internal("no elements in any of the given slices")
    return first is dict


def _index(items: Sequence[Any], item: Any, key: str) -> int:
    """Where `item` (by merge-key value, or by value for scalars) first appears in `items`."""
    if key:
        wanted = item.get(key) if isinstance(item, dict) else None
        values = [i.get(key) if isinstance(i, dict) else None for i in items]
    else:
        wanted, values = item, list(items)
    return next((n for n, v in enumerate(values) if _same(v, wanted)), -1)


def _find_by_key(items: Sequence[Any], key: str, value: Any) -> int:
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise _internal(f"value for key {n} is not a map")
        if key in item and _same(item[key], value):
            return n
    return -1


def _require_maps(items: Sequence[Any]) -> None:
    for item in items:
        if not isinstance(item, dict):
            raise _bad_arg_type("map[string]interface {}", item)


def _require_keys(key: str, *lists: Sequence[Any]) -> None:
    """validateMergeKeyInLists."""
    for items in lists:
        _require_maps(items)
        for item in items:
            if key not in item:
                raise _no_merge_key(item, key)


def _partition(items: Sequence[Any], by: Sequence[Any], key: str) -> tuple[list[Any], list[Any]]:
    """Split `items` into those present in `by` and the rest (server-only), keeping order."""
    present: list[Any] = []
    rest: list[Any] = []
    for item in items:
        if key:
            _require_keys(key, [item])
            found = _find_by_key(by, key, item[key]) >= 0
        else:
            found = _index(by, item, "") >= 0
        (present if found else rest).append(item)
    return present, rest


def _normalize(
    patch_items: list[Any],
    server_only: list[Any],
    patch_order: Sequence[Any],
    server_order: Sequence[Any],
    key: str,
    is_map: bool,
) -> list[Any]:
    """normalizeElementOrder: patch items in patch order, server-only items in server order,
    then interleaved by server order wherever both are known there (mergeSortedSlice)."""
    if is_map:
        _require_keys(key, patch_items, patch_order)
        _require_keys(key, server_only, server_order)

    def ordered(items: list[Any], order: Sequence[Any]) -> list[Any]:
        def rank(item: Any) -> int:
            n = _index(order, item, key)
            return n if n >= 0 else len(order)

        return sorted(items, key=rank)

    left, right = ordered(server_only, server_order), ordered(patch_items, patch_order)
    out: list[Any] = []
    i = j = 0
    while i < len(left) or j < len(right):
        if j < len(right) and i < len(left):
            li, ri = _index(server_order, left[i], key), _index(server_order, right[j], key)
            take_left = 0 <= li < ri
        else:
            take_left = j >= len(right)
        if take_left:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    return out


def _merge_scalar_list(original: list[Any], patch: list[Any], is_delete: bool) -> list[Any]:
    if is_delete:
        return [v for v in original if _index(patch, v, "") < 0]
    merged: list[Any] = []
    for value in original + patch:
        if _index(merged, value, "") < 0:
            merged.append(value)
    present, rest = _partition(merged, patch, "")
    return _normalize(present, rest, patch, original, "", False)


def _special_elements(
    patch: list[Any], key: str, survivors: list[Any], window: list[Any]
) -> tuple[list[Any], bool]:
    """mergeSliceWithSpecialElements: apply `$patch: delete` items to `survivors` (and to the
    Go backing array `window`), and return the plain items and whether `$patch: replace` was
    seen."""
    plain: list[Any] = []
    replace = False
    for item in patch:
        if _PATCH not in item:
            plain.append(item)
            continue
        directive = item[_PATCH]
        if directive == "delete":
            if key not in item:
                raise _no_merge_key(item, key)
            while (n := _find_by_key(survivors, key, item[key])) >= 0:
                # Go deletes with append(s[:n], s[n+1:]...), shifting the shared array in place
                size = len(survivors)
                window[n : size - 1] = window[n + 1 : size]
                del survivors[n]
        elif directive == "replace":
            replace = True
        elif directive == "merge":
            raise _internal("merging lists cannot yet be specified in the patch")
        else:
            raise _internal(f"unknown patch type: {_go_s(directive)} in map: {_gofmt(item)}")
    return plain, replace


def _merge_map_list(
    original: list[Any], patch: list[Any], path: str | None, key: str, meta: _Meta
) -> tuple[list[Any], list[Any]]:
    """mergeSlice for lists of maps. Also returns what the caller's view of the original list
    holds afterwards: upstream edits it in place, and $setElementOrder sorts by that view."""
    window = list(original)
    survivors = list(original)
    plain, replace = _special_elements(patch, key, survivors, window)
    if replace:
        _require_keys(key, plain)
        return [c for c, keep in map(_clean, plain) if keep], window
    server_order = list(survivors)
    element = f"{path}[]" if path is not None else None
    for item in plain:
        if key not in item:
            raise _no_merge_key(item, key)
        n = _find_by_key(survivors, key, item[key])
        if n >= 0:
            survivors[n] = _merge_map(survivors[n], item, element, meta)
            continue
        if len(survivors) < len(original):  # Go's append writes into the original array
            window[len(survivors)] = item
        survivors.append(_clean(item)[0])
    present, rest = _partition(survivors, plain, key)
    return _normalize(present, rest, plain, server_order, key, True), window


def _merge_list(
    original: list[Any], patch: list[Any], path: str | None, meta: _Meta, is_delete: bool
) -> tuple[list[Any], list[Any]]:
    """mergeSliceHandler: (merged list, the caller's view of the original afterwards)."""
    field = meta.get(path) if path else None
    if not (field and field.merges) and not is_delete:
        return _clean(patch)[0], original
    if not original and not patch:
        return original, original
    if not _element_is_map(original, patch):
        return _merge_scalar_list(original, patch, is_delete), original
    key = field.merge_key if field else ""
    if not key:
        raise _internal("cannot merge lists without merge key for struct")
    return _merge_map_list(original, patch, path, key, meta)


def _merge_key_equal(a: Any, b: Any, key: str) -> bool:
    if not key:
        return _same(a, b)
    _require_keys(key, (a, b))
    return _same(a[key], b[key])


def _check_order(patch_list: list[Any], order: list[Any], key: str) -> None:
    """validatePatchWithSetOrderList: the patch's items appear in $setElementOrder, in order."""
    if not order or not patch_list:
        return
    items = patch_list
    if key:
        _require_maps(patch_list)
        items = [i for i in patch_list if i.get(_PATCH) != "delete"]
    p = s = 0
    while p < len(items) and s < len(order):
        if isinstance(items[p], dict) and _PATCH in items[p]:
            p += 1
            continue
        if _merge_key_equal(items[p], order[s], key):
            p += 1
        s += 1
    if p < len(items) and s >= len(order):
        raise _internal(
            f"The order in patch list:\n{_gofmt(patch_list)}\n doesn't match "
            f"{_ORDER_PREFIX} list:\n{_gofmt(order)}\n"
        )


def _order_field(
    original: dict[str, Any],
    patch: dict[str, Any],
    field: str,
    order: list[Any],
    meta: _Meta,
    path: str | None,
) -> None:
    """mergePatchIntoOriginal for one `$setElementOrder/<field>` list."""
    has_original, has_patch = field in original, field in patch
    current: Any = original.get(field)
    patch_list: Any = patch.get(field)
    for found, value in ((has_original, current), (has_patch, patch_list)):
        if found and not isinstance(value, list):
            raise _bad_arg_type("[]interface {}", value)
    meta_row = meta.get(path) if path else None
    key = meta_row.merge_key if meta_row else ""
    _check_order(patch_list or [], order, key)
    if not has_original and not has_patch:
        return
    if has_original and has_patch:
        merged, window = _merge_list(current, patch_list, path, meta, False)
    elif has_original:
        merged, window = current, current
    else:
        merged, window = _clean(patch_list)[0], []
    patch.pop(field, None)
    is_map = _element_is_map(current or [], patch_list or [])
    if is_map and not key:  # an atomic list of maps has nothing to order by
        original[field] = merged
        return
    present, rest = _partition(merged, order, key)
    original[field] = _normalize(present, rest, order, window, key, is_map)


def _set_element_orders(
    original: dict[str, Any], patch: dict[str, Any], path: str | None, meta: _Meta
) -> None:
    for directive in [k for k in patch if k.startswith(_ORDER_PREFIX)]:
        order = patch.pop(directive)
        if not isinstance(order, list):
            raise _bad_arg_type("[]interface {}", order)
        field = _directive_field(directive, _ORDER_PREFIX)
        _order_field(original, patch, field, order, meta, _child(path, field))


def _retain_keys(original: dict[str, Any], patch: dict[str, Any]) -> None:
    """applyRetainKeysDirective: clear every original key the `$retainKeys` list omits."""
    if _RETAIN not in patch:
        return
    keep = patch.pop(_RETAIN)
    if not isinstance(keep, list):
        raise _bad_request("invalid patch format of retainKeys")
    allowed = {k for k in keep if isinstance(k, str)}
    for key, value in patch.items():
        if value is None or key.startswith((_DELETE_PREFIX, _ORDER_PREFIX)):
            continue
        if key not in allowed:
            raise _bad_request("invalid patch format of retainKeys")
    for key in [k for k in original if k not in allowed]:
        del original[key]


def _map_directive(patch: dict[str, Any]) -> dict[str, Any]:
    """handleDirectiveInMergeMap: `$patch: replace` takes the patch, `delete` empties the map."""
    directive = patch[_PATCH]
    if directive == "replace":
        replacement: dict[str, Any] = _clean({k: v for k, v in patch.items() if k != _PATCH})[0]
        return replacement
    if directive == "delete":
        return {}
    raise _internal(f"unknown patch type: {_go_s(directive)} in map: {_gofmt(patch)}")


def _merge_field(
    original: dict[str, Any],
    key: str,
    value: Any,
    is_delete: bool,
    path: str | None,
    meta: _Meta,
) -> None:
    """One member of mergeMap's loop."""
    if value is None:
        original.pop(key, None)
        return
    current = original.get(key, _ABSENT)
    if current is _ABSENT or type(current) is not type(value):
        if not is_delete:
            cleaned, keep = _clean(value)
            if keep:
                original[key] = cleaned
            else:
                original.pop(key, None)
        return
    child = _child(path, key)
    if isinstance(current, dict):
        row = meta.get(child) if child else None
        replace = row is not None and row.replaces
        original[key] = _clean(value)[0] if replace else _merge_map(current, value, child, meta)
    elif isinstance(current, list):
        original[key] = _merge_list(current, value, child, meta, is_delete)[0]
    else:
        original[key] = value


def _merge_map(
    original: dict[str, Any], patch: dict[str, Any], path: str | None, meta: _Meta
) -> dict[str, Any]:
    """mergeMap on private copies: `original` is edited in place and returned."""
    if _PATCH in patch:
        return _map_directive(patch)
    _retain_keys(original, patch)
    _set_element_orders(original, patch, path, meta)
    for key, value in patch.items():
        is_delete = key.startswith(_DELETE_PREFIX)
        field = _directive_field(key, _DELETE_PREFIX) if is_delete else key
        _merge_field(original, field, value, is_delete, path, meta)
    return original


def strategic_merge_patch(
    original: Mapping[str, Any], patch: Mapping[str, Any], kind: str
) -> dict[str, Any]:
    """Apply a strategic merge patch to an object of `kind`.

    Lists tagged `patchStrategy: merge` in `PATCH_META` merge by their merge key (lists of
    scalars merge as sets); other lists are replaced, maps merge, null deletes. Directives:
    `$patch: replace|delete` (in maps and list items), `$retainKeys`,
    `$deleteFromPrimitiveList/<f>`, `$setElementOrder/<f>`. `$patch: merge` is rejected, as
    upstream does. A kind with no table falls back to JSON merge patch, as for custom resources.
    """
    if not isinstance(patch, Mapping):
        raise _bad_request(
            f"json: cannot unmarshal {_json_kind(patch)} into Go value of type "
            "map[string]interface {}"
        )
    meta = _kind_meta(kind)
    if meta is None:
        merged: dict[str, Any] = json_merge_patch(original, patch)
        return merged
    target = _copy(original) if isinstance(original, Mapping) else {}
    return _merge_map(target, _copy(patch), "", meta)


# ---------------------------------------------------------------------------------------------
# PATCH request bodies (k8s.io/apiserver/pkg/endpoints/handlers/patch.go)
# ---------------------------------------------------------------------------------------------

_PATCH_TYPES = {
    "application/json-patch+json": "json",
    "json": "json",
    "application/merge-patch+json": "merge",
    "merge": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "strategic": "strategic",
    "application/apply-patch+yaml": "apply",
    "apply": "apply",
}


def _patch_mode(patch_type: str) -> str:
    media_type = patch_type
    if (cut := media_type.find(";")) > 0:  # "; charset=utf-8" is allowed, as upstream strips it
        media_type = media_type[:cut]
    mode = _PATCH_TYPES.get(media_type)
    if mode is None:
        message = (
            "the body of the request was in an unknown format - accepted media types include: "
            + ", ".join(_MEDIA_TYPES)
        )
        raise PatchError(message, code=415, reason="UnsupportedMediaType")
    if mode == "apply":
        raise PatchError(
            "server-side apply (application/apply-patch+yaml) is not supported by kubesim; "
            "send a JSON, merge or strategic merge patch instead",
            code=415,
            reason="UnsupportedMediaType",
        )
    return mode


def apply_patch(
    original: Mapping[str, Any], patch: Any, patch_type: str, kind: str
) -> dict[str, Any]:
    """Apply a PATCH body of content type `patch_type` (or "json", "merge", "strategic") to an
    object of `kind`, with the apiserver's answers for bodies it refuses."""
    mode = _patch_mode(patch_type)
    if mode == "json":
        ops = _decode_operations(patch)
        if len(ops) > MAX_JSON_PATCH_OPERATIONS:
            raise PatchError(
                f"The allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS},"
                f" got {len(ops)}",
                code=413,
                reason="RequestEntityTooLarge",
            )
        result = json_patch(original, ops)
    elif mode == "merge":
        if patch is None or not isinstance(patch, Mapping | list | tuple):
            raise _bad_request("Invalid JSON Patch")
        result = json_merge_patch(original, patch)
    else:
        result = strategic_merge_patch(original, {} if patch is None else patch, kind)
    if not isinstance(result, dict):
        raise PatchError(
            f'"" is invalid: patch: Invalid value: "{_gofmt(result)}": '
            f"cannot unmarshal {_json_kind(result)} into an object of kind {kind}"
        )
    return result
