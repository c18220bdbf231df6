"""Field selectors (`spec.nodeName=n1,status.phase!=Running`) and the fields each kind exposes.

Follows k8s.io/apimachinery/pkg/fields/selector.go (ParseSelector, splitTerms, splitTerm,
EscapeValue, UnescapeValue and their error texts), the per-kind field sets of the registry
strategies' GetAttrs / ToSelectableFields (pkg/registry/core/pod/strategy.go, node, namespace,
event, secret, replicationcontroller, pkg/registry/apps/replicaset/strategy.go;
apiserver/pkg/registry/generic/matcher.go ObjectMetaFieldsSet) and the field label conversions
the apiserver applies to a request's selector (pkg/apis/core/v1/conversion.go,
apimachinery/pkg/runtime/scheme.go DefaultMetaV1FieldSelectorConversion), Kubernetes 1.32.

Guarantees:
- Parsing accepts `=`, `==` and `!=` terms separated by unescaped commas; values may escape
  `\\`, `,` and `=` with a backslash. Terms are kept in upstream's order (sorted as written),
  `==` prints as `=`, and `str()` re-escapes values, so `str()` re-parses to an equal selector.
- `matches` treats a field missing from the set as "" (upstream fields.Set.Get).
- `object_fields(kind, obj)` is what the apiserver matches against; `convert_field_selector`
  rejects labels the kind does not serve with upstream's message, e.g.
  `field label not supported: spec.foo`. As upstream, the two can disagree: ReplicaSet exposes
  status.replicas but apps/v1 registers no conversion for it (kubernetes#135136), so a request
  may not select on it; Pod accepts status.podIPs, which its field set lacks (so it reads "").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from sim.api.labels import _go_quote

__all__ = [
    "EVERYTHING_FIELDS",
    "FieldSelector",
    "FieldSelectorError",
    "convert_field_label",
    "convert_field_selector",
    "escape_value",
    "object_fields",
    "parse_field_selector",
    "supported_fields",
    "unescape_value",
]

EQUALS = "="
NOT_EQUALS = "!="
_TERM_OPERATORS = ("!=", "==", "=")  # "==" before "=" so no "=" is left on the value


class FieldSelectorError(ValueError):
    """A malformed or unsupported field selector; `str(err)` is upstream's text."""


def escape_value(value: str) -> str:
    """upstream fields.EscapeValue: backslash-escape `\\`, `,` and `=`."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def unescape_value(value: str) -> str:
    """upstream fields.UnescapeValue, raising FieldSelectorError on a bad escape."""
    if "\\" not in value and "," not in value and "=" not in value:
        return value
    out: list[str] = []
    in_slash = False
    for ch in value:
        if in_slash:
            if ch not in "\\,=":
                raise FieldSelectorError(f"invalid field selector: invalid escape sequence: \\{ch}")
            out.append(ch)
            in_slash = False
        elif ch == "\\":
            in_slash = True
        elif ch in ",=":
            # Go prints the rune with %v: its code point.
            raise FieldSelectorError(
                f"invalid field selector: unescaped character in value: {ord(ch)}"
            )
        else:
            out.append(ch)
    if in_slash:
        raise FieldSelectorError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def _split_terms(text: str) -> list[str]:
    """upstream splitTerms: split on commas that are not backslash-escaped."""
    if not text:
        return []
    terms, start, in_slash = [], 0, False
    for i, ch in enumerate(text):
        if in_slash:
            in_slash = False
        elif ch == "\\":
            in_slash = True
        elif ch == ",":
            terms.append(text[start:i])
            start = i + 1
    terms.append(text[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str] | None:
    """upstream splitTerm: the first operator occurrence splits field from raw value."""
    for i in range(len(term)):
        for op in _TERM_OPERATORS:
            if term.startswith(op, i):
                return term[:i], op, term[i + len(op) :]
    return None


Term = tuple[str, str, str]


class FieldSelector:
    """An AND of `field=value` / `field!=value` terms; immutable and hashable."""

    __slots__ = ("_terms",)

    _terms: tuple[Term, ...]

    def __init__(self, terms: tuple[Term, ...] = ()) -> None:
        for _field, op, _value in terms:
            if op not in (EQUALS, NOT_EQUALS):
                raise ValueError(f"unknown field selector operator {op!r}")
        object.__setattr__(self, "_terms", tuple(terms))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FieldSelector is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (FieldSelector, (self._terms,))

    @property
    def requirements(self) -> list[Term]:
        """(field, operator, value) triples; operator is `=` or `!=`."""
        return list(self._terms)

    def matches(self, fields: Mapping[str, str]) -> bool:
        for field, op, value in self._terms:
            if (fields.get(field, "") == value) != (op == EQUALS):
                return False
        return True

    def empty(self) -> bool:
        return not self._terms

    def requires_exact_match(self, field: str) -> str | None:
        """upstream RequiresExactMatch: the value an `=` term demands of `field`, if any."""
        for f, op, value in self._terms:
            if f == field and op == EQUALS:
                return value
        return None

    def __str__(self) -> str:
        return ",".join(f"{f}{op}{escape_value(v)}" for f, op, v in self._terms)

    def __repr__(self) -> str:
        return f"FieldSelector({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldSelector):
            return NotImplemented
        return self._terms == other._terms

    def __hash__(self) -> int:
        return hash(self._terms)


EVERYTHING_FIELDS = FieldSelector()


@lru_cache(maxsize=4096)
def parse_field_selector(text: str) -> FieldSelector:
    """upstream fields.ParseSelector: terms sorted as written, values unescaped."""
    terms: list[Term] = []
    for part in sorted(_split_terms(text)):
        if not part:
            continue
        split = _split_term(part)
        if split is None:
            raise FieldSelectorError(f"invalid selector: '{text}'; can't understand '{part}'")
        field, op, raw = split
        terms.append((field, NOT_EQUALS if op == "!=" else EQUALS, unescape_value(raw)))
    return FieldSelector(tuple(terms))


# -- the fields each kind serves ---------------------------------------------------------------

_CLUSTER_SCOPED = frozenset(
    {
        "APIService",
        "CertificateSigningRequest",
        "ClusterRole",
        "ClusterRoleBinding",
        "CSIDriver",
        "CSINode",
        "CustomResourceDefinition",
        "IngressClass",
        "MutatingWebhookConfiguration",
        "Namespace",
        "Node",
        "PersistentVolume",
        "PriorityClass",
        "RuntimeClass",
        "StorageClass",
        "ValidatingWebhookConfiguration",
        "VolumeAttachment",
    }
)


def _get(obj: Mapping[str, Any], *path: str) -> Any:
    cur: Any = obj
    for part in path:
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(part)
    return cur


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _go_bool(value: Any) -> str:
    return "true" if value is True else "false"


def _go_int(value: Any) -> str:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else "0"


_INVOLVED_OBJECT_KEYS: tuple[str, ...] = (
    "kind",
    "namespace",
    "name",
    "uid",
    "apiVersion",
    "resourceVersion",
    "fieldPath",
)


def _pod_fields(pod: Mapping[str, Any]) -> dict[str, str]:
    """pkg/registry/core/pod/strategy.go ToSelectableFields (read from the v1 shape)."""
    spec = _get(pod, "spec") or {}
    pod_ips = _get(pod, "status", "podIPs") or []
    first_ip = pod_ips[0].get("ip") if pod_ips and isinstance(pod_ips[0], Mapping) else None
    account = spec.get("serviceAccountName") or spec.get("serviceAccount")
    return {
        "spec.nodeName": _text(spec.get("nodeName")),
        "spec.restartPolicy": _text(spec.get("restartPolicy")),
        "spec.schedulerName": _text(spec.get("schedulerName")),
        "spec.serviceAccountName": _text(account),
        "spec.hostNetwork": _go_bool(spec.get("hostNetwork")),
        "status.phase": _text(_get(pod, "status", "phase")),
        "status.podIP": _text(first_ip or _get(pod, "status", "podIP")),
        "status.nominatedNodeName": _text(_get(pod, "status", "nominatedNodeName")),
    }


def _event_fields(event: Mapping[str, Any]) -> dict[str, str]:
    """pkg/registry/core/event/strategy.go ToSelectableFields."""
    involved = _get(event, "involvedObject") or {}
    reporting = _text(event.get("reportingComponent"))
    fields = {f"involvedObject.{k}": _text(involved.get(k)) for k in _INVOLVED_OBJECT_KEYS}
    fields["reason"] = _text(event.get("reason"))
    fields["reportingComponent"] = reporting
    fields["source"] = _text(_get(event, "source", "component")) or reporting
    fields["type"] = _text(event.get("type"))
    return fields


_KIND_FIELDS: dict[str, Callable[[Mapping[str, Any]], dict[str, str]]] = {
    "Pod": _pod_fields,
    "Event": _event_fields,
    "Node": lambda o: {"spec.unschedulable": _go_bool(_get(o, "spec", "unschedulable"))},
    # upstream keeps the bare "name" field for backward compatibility; it cannot be selected.
    "Namespace": lambda o: {
        "status.phase": _text(_get(o, "status", "phase")),
        "name": _text(_get(o, "metadata", "name")),
    },
    "Secret": lambda o: {"type": _text(o.get("type"))},
    "Service": lambda o: {
        "spec.clusterIP": _text(_get(o, "spec", "clusterIP")),
        "spec.type": _text(_get(o, "spec", "type")),
    },
    "ReplicaSet": lambda o: {"status.replicas": _go_int(_get(o, "status", "replicas"))},
    "ReplicationController": lambda o: {"status.replicas": _go_int(_get(o, "status", "replicas"))},
}


def object_fields(
    kind: str, obj: Mapping[str, Any], namespaced: bool | None = None
) -> dict[str, str]:
    """The field set the apiserver matches a field selector against (upstream GetAttrs).

    Every kind has metadata.name, and namespaced kinds metadata.namespace; `namespaced`
    overrides the built-in list of cluster-scoped kinds.
    """
    meta = _get(obj, "metadata") or {}
    fields = {"metadata.name": _text(meta.get("name"))}
    if namespaced is None:
        namespaced = kind not in _CLUSTER_SCOPED
    if namespaced:
        fields["metadata.namespace"] = _text(meta.get("namespace"))
    extra = _KIND_FIELDS.get(kind)
    if extra is not None:
        fields.update(extra(obj))
    return fields


_META = ("metadata.name", "metadata.namespace")
# Kinds with their own field label conversion (pkg/apis/core/v1/conversion.go); the rest use
# runtime.DefaultMetaV1FieldSelectorConversion. Node and Namespace do not accept namespace.
_CONVERSIONS: dict[str, frozenset[str]] = {
    "Pod": frozenset(
        {
            *_META,
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",
            "status.nominatedNodeName",
        }
    ),
    "Node": frozenset({"metadata.name", "spec.unschedulable"}),
    "ReplicationController": frozenset({*_META, "status.replicas"}),
    "Event": frozenset(
        {*_META, *(f"involvedObject.{k}" for k in _INVOLVED_OBJECT_KEYS)}
        | {"reason", "reportingComponent", "source", "type"}
    ),
    "Namespace": frozenset({"metadata.name", "status.phase"}),
    "Secret": frozenset({*_META, "type"}),
    "Service": frozenset({*_META, "spec.clusterIP", "spec.type"}),
}
_DEFAULT_FIELDS = frozenset(_META)
# Old v1 clients send spec.host; the Pod conversion renames it.
_RENAMED = {("Pod", "spec.host"): "spec.nodeName"}


def supported_fields(kind: str) -> frozenset[str]:
    """The field labels a request may select on for `kind` (before renames such as spec.host)."""
    return _CONVERSIONS.get(kind, _DEFAULT_FIELDS)


def convert_field_label(kind: str, label: str) -> str:
    """upstream Scheme.ConvertFieldLabel: the served label, or FieldSelectorError."""
    renamed = _RENAMED.get((kind, label))
    if renamed is not None:
        return renamed
    if label in supported_fields(kind):
        return label
    if kind in _CONVERSIONS:
        raise FieldSelectorError(f"field label not supported: {label}")
    raise FieldSelectorError(
        f'{_go_quote(label)} is not a known field selector: only "metadata.name", '
        '"metadata.namespace"'
    )


def convert_field_selector(kind: str, selector: FieldSelector) -> FieldSelector:
    """upstream Selector.Transform with the kind's field label conversion (list/watch)."""
    terms = tuple((convert_field_label(kind, f), op, v) for f, op, v in selector.requirements)
    return FieldSelector(terms)
