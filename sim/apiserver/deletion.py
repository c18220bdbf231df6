"""DELETE: graceful deletion of pods, finalizers, propagation policy, preconditions.

Models k8s.io/apiserver/pkg/endpoints/handlers/delete.go over
k8s.io/apiserver/pkg/registry/generic/registry/store.go (Delete, updateForGracefulDeletion
AndFinalizers) and k8s.io/apiserver/pkg/registry/rest/delete.go (BeforeDelete), through the
shared storage (sim/apiserver/storage.py); pkg/registry/core/pod/strategy.go (the pod grace
period) and pkg/registry/core/namespace/storage/storage.go (a namespace turns Terminating first).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from sim.api.errors import (
    OBJECT_MODIFIED,
    bad_request,
    conflict,
)
from sim.api.frozen import freeze, thaw
from sim.api.kinds import Kind
from sim.apiserver.admission import Attributes, run_admission
from sim.apiserver.keys import object_key
from sim.apiserver.storage import GRACEFUL_KINDS, RegistryStore


class Deleter:
    """DELETE (upstream's deleteHandler over store.go Delete)."""

    def __init__(self, storage: RegistryStore):
        self._storage = storage
        self._clock = storage.clock
        self._kind = storage.kind
        self._get_kv = storage.get_kv
        self._admission_for = storage.admission_for
        self._lookup = storage.lookup
        self._list_all = storage.list_all
        self._commit = storage.commit
        self._remove = storage.remove
        self._record = storage.record
        self._notify = storage.notify

    def delete(
        self,
        kind: str | Kind,
        name: str,
        *,
        namespace: str | None = None,
        grace_period_seconds: int | None = None,
        propagation_policy: str | None = None,
        preconditions: Mapping[str, str] | None = None,
        dry_run: bool = False,
        user: str = "user",
    ) -> Any:
        """DELETE: graceful for pods, held by finalizers; returns the object's last state."""
        k = self._kind(kind)
        ns = self._storage.ns(k, namespace)
        key = object_key(k, ns, name)
        kv = self._get_kv(k, ns, name)
        old = kv.value
        self._check_preconditions(k, name, old, preconditions)
        if propagation_policy not in (None, "", "Orphan", "Foreground", "Background"):
            raise bad_request(f"propagationPolicy {propagation_policy} is not supported")
        run_admission(
            self._admission_for(k),
            Attributes("DELETE", k, ns, name, None, old),
            self._lookup,
            self._list_all,
        )
        new = thaw(old)
        meta = new["metadata"]
        finalizers = list(meta.get("finalizers") or [])
        if propagation_policy == "Foreground" and "foregroundDeletion" not in finalizers:
            finalizers = [f for f in finalizers if f != "orphan"] + ["foregroundDeletion"]
        elif propagation_policy == "Orphan" and "orphan" not in finalizers:
            finalizers = [f for f in finalizers if f != "foregroundDeletion"] + ["orphan"]
        elif propagation_policy == "Background":
            finalizers = [f for f in finalizers if f not in ("orphan", "foregroundDeletion")]
        grace = self._grace_period(k, old, grace_period_seconds)
        if k.kind == "Namespace" and (new.get("spec") or {}).get("finalizers"):
            # pkg/registry/core/namespace/storage: a namespace with spec.finalizers turns
            # Terminating; the namespace controller empties it, then calls /finalize.
            new.setdefault("status", {})["phase"] = "Terminating"
            return self._mark_deleting(k, key, kv, new, finalizers, 0, dry_run, user)
        if grace > 0 or finalizers:
            return self._mark_deleting(k, key, kv, new, finalizers, grace, dry_run, user)
        if dry_run:
            return old
        return self._remove(k, key, kv, user, "")

    def _check_preconditions(
        self, k: Kind, name: str, old: Any, preconditions: Mapping[str, str] | None
    ) -> None:
        if not preconditions:
            return
        meta = old["metadata"]
        uid = preconditions.get("uid")
        if uid and uid != meta.get("uid"):
            raise conflict(
                k.plural,
                k.group,
                name,
                f"Precondition failed: UID in precondition: {uid}, UID in object meta: {meta.get('uid')}",
            )
        rv = preconditions.get("resourceVersion")
        if rv and rv != meta.get("resourceVersion"):
            raise conflict(
                k.plural,
                k.group,
                name,
                "Precondition failed: ResourceVersion in precondition: "
                f"{rv}, ResourceVersion in object meta: {meta.get('resourceVersion')}",
            )

    def _grace_period(self, k: Kind, old: Any, requested: int | None) -> int:
        """upstream pod strategy CheckGracefulDeleteStrategy (pkg/registry/core/pod/strategy.go)."""
        if k.kind not in GRACEFUL_KINDS:
            return 0
        spec, status = old.get("spec", {}), old.get("status", {})
        grace = requested
        if grace is None:
            grace = spec.get("terminationGracePeriodSeconds", 30)
        if not spec.get("nodeName") or status.get("phase") in ("Failed", "Succeeded"):
            grace = 0
        grace = max(0, int(grace or 0))
        current = old["metadata"].get("deletionGracePeriodSeconds")
        if current is not None and grace > current:
            grace = current  # a second delete may shorten the grace period, never extend it
        return grace

    def _mark_deleting(
        self,
        k: Kind,
        key: str,
        kv: Any,
        new: dict[str, Any],
        finalizers: builtins.list[str],
        grace: int,
        dry_run: bool,
        user: str,
    ) -> Any:
        meta = new["metadata"]
        old_meta = kv.value["metadata"]
        if finalizers:
            meta["finalizers"] = finalizers
        if not old_meta.get("deletionTimestamp") or grace < (
            old_meta.get("deletionGracePeriodSeconds") or 0
        ):
            meta["deletionTimestamp"] = self._clock.timestamp(self._clock.now + grace)
            meta["deletionGracePeriodSeconds"] = grace
        meta["resourceVersion"] = old_meta["resourceVersion"]
        if new == kv.value:
            return kv.value
        if dry_run:
            return freeze(new)
        stored = self._commit(key, new, kv.mod_revision)
        if stored is None:
            raise conflict(k.plural, k.group, meta["name"], OBJECT_MODIFIED)
        detail = f"graceful {grace}s" if grace else "finalizers " + ",".join(finalizers)
        self._record(user, "delete", k, stored, detail)
        self._notify("delete-pending", k, stored)
        return stored
