"""The pods/binding, pods/eviction and scale subresources.

Models pkg/registry/core/pod/storage/storage.go (BindingREST: set spec.nodeName once),
pkg/registry/core/pod/storage/eviction.go (EvictionREST: a delete that respects
PodDisruptionBudgets) and pkg/registry/apps/deployment/storage/storage.go (ScaleREST), each over
the shared storage (sim/apiserver/storage.py) and the verb handlers it stands on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sim.api.errors import (
    OBJECT_MODIFIED,
    bad_request,
    conflict,
    invalid,
    invalid_object,
    not_found,
)
from sim.api.frozen import FrozenDict, freeze, thaw
from sim.api.kinds import Kind
from sim.apiserver.storage import RegistryStore

_NODE_KINDS = ("Node", "", None)  # validate_pod_binding: target.kind empty or Node


class BindingREST:
    """POST pods/<name>/binding."""

    def __init__(self, storage: RegistryStore):
        self._clock = storage.clock
        self._kind = storage.kind
        self._get_kv = storage.get_kv
        self._commit = storage.commit
        self._record = storage.record
        self._observers = storage.observers
        self._notify = storage.notify

    def bind(
        self,
        name: str,
        binding: Mapping[str, Any],
        *,
        namespace: str | None = None,
        dry_run: bool = False,
        user: str = "user",
    ) -> Any:
        """POST pods/<name>/binding (pkg/registry/core/pod/storage/storage.go BindingREST):
        set spec.nodeName once, merge the binding's annotations, mark PodScheduled True.
        Returns the bound pod (upstream answers a Success Status)."""
        k = self._kind("pods")
        ns = namespace or "default"
        meta = binding.get("metadata") or {}
        if meta.get("name") and meta["name"] != name:
            raise bad_request("name in URL does not match name in Binding object")
        target_ref = binding.get("target")
        if not (
            type(target_ref) is dict
            and target_ref.get("kind") in _NODE_KINDS
            and target_ref.get("name")
        ):  # not plainly valid: the validator says what is wrong, if anything
            errs = k.extra["validate_binding"](binding)
            if errs:
                raise invalid_object("Binding", "", name, errs)
        kv = self._get_kv(k, ns, name)
        pod = kv.value
        pod_meta = pod["metadata"]
        uid = meta.get("uid")
        if uid and uid != pod_meta.get("uid"):
            raise conflict("pods/binding", "", name, "Precondition failed: UID mismatch")
        rv = meta.get("resourceVersion")
        if rv and rv != pod_meta.get("resourceVersion"):
            why = "Precondition failed: ResourceVersion mismatch"
            raise conflict("pods/binding", "", name, why)
        target = binding["target"]["name"]
        if pod_meta.get("deletionTimestamp"):
            why = f"pod {name} is being deleted, cannot be assigned to a host"
            raise conflict("pods/binding", "", name, why)
        spec = pod["spec"]
        if spec.get("nodeName"):
            why = f'pod {name} is already assigned to node "{spec["nodeName"]}"'
            raise conflict("pods/binding", "", name, why)
        if spec.get("schedulingGates"):
            raise conflict(
                "pods/binding", "", name, f"pod {name} has non-empty .spec.schedulingGates"
            )
        # copy only what changes: the untouched parts stay the stored (frozen, shared) values
        new = dict(pod)
        new_meta = new["metadata"] = dict(pod_meta)
        new_spec = dict(spec)
        new_spec["nodeName"] = target
        # every other value of the stored spec is frozen already: a str target makes the spec
        # exactly what freezing would make of it, so it is handed over frozen (the interner
        # neither looks at nor records frozen values)
        new["spec"] = FrozenDict(new_spec) if type(target) is str else new_spec
        if meta.get("annotations"):
            ann = dict(new_meta.get("annotations") or {})
            ann.update(thaw(meta["annotations"]))
            new_meta["annotations"] = ann
        status = new["status"] = dict(pod.get("status") or {})
        conditions = status["conditions"] = list(status.get("conditions") or ())
        _set_condition(conditions, "PodScheduled", "True", self._clock.timestamp())
        if dry_run:
            return freeze(new)
        stored = self._commit(kv.key, new, kv.mod_revision)
        if stored is None:
            raise conflict("pods", "", name, OBJECT_MODIFIED)
        self._record(user, "bind", k, stored, f"node={target}")
        if self._observers:
            self._notify("bind", k, stored)
        return stored


class EvictionREST:
    """POST pods/<name>/eviction."""

    def __init__(self, storage: RegistryStore, delete: Callable[..., Any]):
        self._storage = storage
        self._delete = delete

    def evict(
        self,
        name: str,
        *,
        namespace: str | None = None,
        grace_period_seconds: int | None = None,
        dry_run: bool = False,
        user: str = "user",
    ) -> Any:
        """POST pods/<name>/eviction (pkg/registry/core/pod/storage/eviction.go): a delete that
        respects PodDisruptionBudgets (none exist until that kind is added: always allowed)."""
        storage = self._storage
        k = storage.kind("pods")
        ns = storage.ns(k, namespace)
        storage.get_kv(k, ns, name)
        return self._delete(
            k,
            name,
            namespace=ns,
            grace_period_seconds=grace_period_seconds,
            dry_run=dry_run,
            user=user,
        )


class ScaleREST:
    """GET and PUT <kind>/<name>/scale, for kinds that say how (`extra["scale"]`)."""

    def __init__(self, storage: RegistryStore, get: Callable[..., Any], update: Callable[..., Any]):
        self._kind = storage.kind
        self._get = get
        self._update = update

    def get_scale(self, kind: str | Kind, name: str, *, namespace: str | None = None) -> Any:
        k = self._kind(kind)
        scale = k.extra.get("scale")
        if scale is None:
            raise not_found(f"{k.plural}/scale", k.group, name)
        return freeze(scale[0](self._get(k, name, namespace=namespace)))

    def update_scale(
        self,
        kind: str | Kind,
        name: str,
        replicas: int,
        *,
        namespace: str | None = None,
        resource_version: str | None = None,
        user: str = "user",
    ) -> Any:
        k = self._kind(kind)
        scale = k.extra.get("scale")
        if scale is None:
            raise not_found(f"{k.plural}/scale", k.group, name)
        cur = self._get(k, name, namespace=namespace)
        if resource_version and resource_version != cur["metadata"]["resourceVersion"]:
            raise conflict(k.plural, k.group, name, OBJECT_MODIFIED)
        if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
            raise invalid_object(
                "Scale",
                "autoscaling",
                name,
                [invalid("spec.replicas", replicas, "must be greater than or equal to 0")],
            )
        new = scale[1](thaw(cur), {"spec": {"replicas": replicas}})
        updated = self._update(k, new, namespace=namespace, user=user)
        return freeze(scale[0](updated))


def _set_condition(conditions: list[Any], type_: str, status: str, now: str) -> None:
    """podutil.UpdatePodCondition: the transition time moves only when the status changes."""
    for i, c in enumerate(conditions):
        if c.get("type") == type_:
            c = conditions[i] = dict(c)  # the list may hold stored (frozen) conditions
            if c.get("status") != status:
                c["lastTransitionTime"] = now
            c["status"] = status
            return
    conditions.append(
        {"type": type_, "status": status, "lastProbeTime": None, "lastTransitionTime": now}
    )
