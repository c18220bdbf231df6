"""The admission chain: mutating plugins, then validating ones, as the apiserver runs them.

Upstream plugins modelled (plugin/pkg/admission/...):
- NamespaceLifecycle (namespace/lifecycle/admission.go): no new objects in a namespace that does
  not exist or is terminating; the immortal namespaces default, kube-system and kube-public
  cannot be deleted.
- DefaultTolerationSeconds (defaulttolerationseconds/admission.go): pods tolerate
  node.kubernetes.io/not-ready and unreachable (NoExecute) for 300 s unless they say otherwise.
- Priority (priority/admission.go): spec.priorityClassName resolves to spec.priority and
  spec.preemptionPolicy; the globalDefault class applies when none is named.
Defaulting and validation run in the server itself, around this chain, as upstream does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sim.api.errors import ApiError, forbidden_error, not_found
from sim.api.kinds import Kind

IMMORTAL_NAMESPACES = ("default", "kube-system", "kube-public")
DEFAULT_NOT_READY_TOLERATION_S = 300
DEFAULT_UNREACHABLE_TOLERATION_S = 300
TAINT_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_UNREACHABLE = "node.kubernetes.io/unreachable"
SYSTEM_PRIORITY_CLASSES = {
    "system-cluster-critical": 2000000000,
    "system-node-critical": 2000001000,
}


@dataclass(slots=True)
class Attributes:
    """What an admission plugin sees of a request (upstream admission.Attributes)."""

    operation: str  # CREATE, UPDATE, DELETE
    kind: Kind
    namespace: str | None
    name: str
    obj: dict[str, Any] | None  # mutable for mutating plugins
    old: Any  # the stored object on UPDATE and DELETE
    subresource: str = ""


Lookup = Callable[[str, str | None, str], Any]  # (kind name, namespace, name) -> object or None
ListAll = Callable[[str], list[Any]]


class AdmissionPlugin(Protocol):
    """A plugin may also have `kinds`, a tuple of the kinds (Kind.kind) it acts on: the server
    then skips calling it for a create, update or delete of any other kind (plugins_for)."""

    name: str

    def admit(self, attrs: Attributes, lookup: Lookup, list_all: ListAll) -> None:
        """Mutate attrs.obj in place or raise ApiError; called before validation."""


class NamespaceLifecycle:
    name = "NamespaceLifecycle"

    def admit(self, attrs: Attributes, lookup: Lookup, list_all: ListAll) -> None:
        kind = attrs.kind
        if kind.kind == "Namespace" and attrs.operation == "DELETE":
            if attrs.name in IMMORTAL_NAMESPACES:
                raise forbidden_error(
                    "namespaces", "", attrs.name, "this namespace may not be deleted"
                )
            return
        if not kind.namespaced or attrs.operation != "CREATE" or not attrs.namespace:
            return
        ns = lookup("namespaces", None, attrs.namespace)
        if ns is None:
            raise not_found("namespaces", "", attrs.namespace)
        if ns.get("status", {}).get("phase") == "Terminating" or ns["metadata"].get(
            "deletionTimestamp"
        ):
            # Events may still be written into a terminating namespace, as upstream allows.
            if kind.kind == "Event":
                return
            raise forbidden_error(
                kind.plural,
                kind.group,
                attrs.name,
                f"unable to create new content in namespace {attrs.namespace} because it is "
                "being terminated",
            )


def _tolerates(tolerations: list[dict[str, Any]], key: str) -> bool:
    for t in tolerations:
        effect = t.get("effect", "")
        if effect not in ("", "NoExecute"):
            continue
        if t.get("operator") == "Exists" and not t.get("key"):
            return True
        if t.get("key") == key:
            return True
    return False


class DefaultTolerationSeconds:
    name = "DefaultTolerationSeconds"
    kinds = ("Pod",)

    def __init__(
        self,
        not_ready_s: int = DEFAULT_NOT_READY_TOLERATION_S,
        unreachable_s: int = DEFAULT_UNREACHABLE_TOLERATION_S,
    ):
        self.not_ready_s = not_ready_s
        self.unreachable_s = unreachable_s

    def admit(self, attrs: Attributes, lookup: Lookup, list_all: ListAll) -> None:
        if attrs.kind.kind != "Pod" or attrs.operation != "CREATE" or attrs.subresource:
            return
        spec = attrs.obj["spec"] if attrs.obj else {}
        tolerations = spec.setdefault("tolerations", [])
        for key, seconds in (
            (TAINT_NOT_READY, self.not_ready_s),
            (TAINT_UNREACHABLE, self.unreachable_s),
        ):
            if not _tolerates(tolerations, key):
                tolerations.append(
                    {
                        "key": key,
                        "operator": "Exists",
                        "effect": "NoExecute",
                        "tolerationSeconds": seconds,
                    }
                )


class Priority:
    name = "Priority"
    kinds = ("Pod",)

    def admit(self, attrs: Attributes, lookup: Lookup, list_all: ListAll) -> None:
        if attrs.kind.kind != "Pod" or attrs.operation != "CREATE" or attrs.subresource:
            return
        assert attrs.obj is not None
        spec = attrs.obj.setdefault("spec", {})
        name = spec.get("priorityClassName") or ""
        policy = "PreemptLowerPriority"
        if name:
            pc = lookup("priorityclasses", None, name)
            if pc is None:
                raise forbidden_error(
                    "pods", "", attrs.name, f"no PriorityClass with name {name} was found"
                )
            value = int(pc.get("value", 0))
            policy = pc.get("preemptionPolicy") or policy
        else:
            value = 0
            defaults = [pc for pc in list_all("priorityclasses") if pc.get("globalDefault")]
            if defaults:
                # upstream picks the default class with the lowest value when several exist
                pc = min(defaults, key=lambda p: (int(p.get("value", 0)), p["metadata"]["name"]))
                spec["priorityClassName"] = pc["metadata"]["name"]
                value = int(pc.get("value", 0))
                policy = pc.get("preemptionPolicy") or policy
        if "priority" in spec and spec["priority"] is not None and spec["priority"] != value:
            raise forbidden_error(
                "pods",
                "",
                attrs.name,
                f"the integer value of priority ({spec['priority']}) must not be provided in pod "
                f"spec; priority admission controller computed {value} from the given "
                "PriorityClass name",
            )
        spec["priority"] = value
        if spec.get("preemptionPolicy") in (None, ""):
            spec["preemptionPolicy"] = policy


def default_chain() -> list[AdmissionPlugin]:
    return [NamespaceLifecycle(), DefaultTolerationSeconds(), Priority()]


def plugins_for(chain: list[AdmissionPlugin], kind: str) -> list[AdmissionPlugin]:
    """The plugins of `chain`, in order, that may act on an object of `kind`: those whose
    `kinds` names it, and those without `kinds`."""
    return [p for p in chain if kind in getattr(p, "kinds", (kind,))]


def run_admission(
    chain: list[AdmissionPlugin], attrs: Attributes, lookup: Lookup, list_all: ListAll
) -> None:
    for plugin in chain:
        plugin.admit(attrs, lookup, list_all)


__all__ = [
    "ApiError",
    "AdmissionPlugin",
    "Attributes",
    "DefaultTolerationSeconds",
    "IMMORTAL_NAMESPACES",
    "NamespaceLifecycle",
    "Priority",
    "SYSTEM_PRIORITY_CLASSES",
    "default_chain",
    "plugins_for",
    "run_admission",
]
