"""Updates and patches: optimistic concurrency, system fields, status and finalize subresources.

Models k8s.io/apiserver/pkg/endpoints/handlers/update.go and patch.go over
k8s.io/apiserver/pkg/registry/generic/registry/store.go (Update) and
k8s.io/apiserver/pkg/registry/rest/update.go (BeforeUpdate), through the shared storage
(sim/apiserver/storage.py): a stale resourceVersion is 409
Conflict; users cannot change identity or deletion fields; the main resource keeps the status
and the status subresource keeps everything else; a write that changes nothing is not made;
removing the last finalizer of an object being deleted removes it.
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
    required,
)
from sim.api.frozen import freeze, thaw
from sim.api.kinds import Kind
from sim.api.validation.common import validate_object_meta_update
from sim.apiserver.admission import Attributes, run_admission
from sim.apiserver.keys import object_key
from sim.apiserver.patch import PatchError, apply_patch
from sim.apiserver.storage import GRACEFUL_KINDS, RegistryStore


class Updater:
    """PUT and PATCH (upstream's updateHandler and patchHandler, over one update path)."""

    def __init__(self, storage: RegistryStore, create: Callable[..., Any]):
        self._storage = storage
        self._create = create  # PUT of a missing object of a kind that allows create-on-update
        # bound once: status updates are a hot path of the server
        self._store = storage.store
        self._kind = storage.kind
        self._incoming = storage.incoming
        self._renewing = storage.renewals.by_key
        self._settle_key = storage.renewals.settle_key
        self._get_kv = storage.get_kv
        self._copy_in = storage.copy_in
        self._default = storage.default
        self._admission_for = storage.admission_for
        self._lookup = storage.lookup
        self._list_all = storage.list_all
        self._validate = storage.validate
        self._commit = storage.commit
        self._remove = storage.remove
        self._record = storage.record
        self._notify = storage.notify

    def update(
        self,
        kind: str | Kind,
        obj: Mapping[str, Any],
        *,
        namespace: str | None = None,
        subresource: str = "",
        dry_run: bool = False,
        user: str = "user",
    ) -> Any:
        """PUT: replace the object (or only its status, with subresource="status")."""
        k, new, ns = self._incoming(kind, obj, namespace)
        meta = new["metadata"]
        name = meta.get("name") or ""
        if not name:
            raise invalid_object(
                k.kind, k.group, "", [required("metadata.name", "name is required")]
            )
        key = object_key(k, ns, name)
        if key in self._renewing:
            self._settle_key(key)
        kv = self._store.get(key)
        if kv is None:
            if k.allow_create_on_update and not subresource:
                meta.pop("resourceVersion", None)
                return self._create(k, new, namespace=ns, dry_run=dry_run, user=user)
            raise not_found(k.plural, k.group, name)
        return self._update_existing(
            k, ns, name, key, kv, new, subresource, dry_run, user, "update"
        )

    def _update_existing(
        self,
        k: Kind,
        ns: str | None,
        name: str,
        key: str,
        kv: Any,
        new: dict[str, Any],
        subresource: str,
        dry_run: bool,
        user: str,
        verb: str,
    ) -> Any:
        old = kv.value
        meta = new["metadata"]
        rv = meta.get("resourceVersion") or ""
        if rv:
            if rv != old["metadata"]["resourceVersion"]:
                raise conflict(k.plural, k.group, name, OBJECT_MODIFIED)
        elif not k.allow_unconditional_update:
            raise invalid_object(
                k.kind,
                k.group,
                name,
                [invalid("metadata.resourceVersion", 0, "must be specified for an update")],
            )
        if subresource in ("status", "finalize"):
            new = self._status_only(k, new, old, subresource)
            meta = new["metadata"]
        elif subresource:
            raise bad_request(f"unsupported subresource {subresource!r} for update")
        self._default(k, new)
        self._carry_system_fields(k, new, old, subresource)
        if subresource in ("status", "finalize"):
            errs = validate_object_meta_update(meta, old["metadata"]) + k.validate_status_update(
                new, old
            )
            if errs:
                raise invalid_object(k.kind, k.group, name, errs)
        else:
            k.prepare_for_update(new, old)
            if k.spec_generation and new.get("spec") != old.get("spec"):
                meta["generation"] = int(old["metadata"].get("generation", 1)) + 1
            run_admission(
                self._admission_for(k),
                Attributes("UPDATE", k, ns, name, new, old),
                self._lookup,
                self._list_all,
            )
            self._validate(k, new, old)
        meta["resourceVersion"] = old["metadata"]["resourceVersion"]
        if new == old:
            return old  # upstream skips the write when nothing changed
        if dry_run:
            return freeze(new)
        if old["metadata"].get("deletionTimestamp") and not self._held(k, new):
            if not (k.kind in GRACEFUL_KINDS and old["metadata"].get("deletionGracePeriodSeconds")):
                return self._remove(k, key, kv, user, "finalizers cleared")
        stored = self._commit(key, new, kv.mod_revision)
        if stored is None:
            raise conflict(k.plural, k.group, name, OBJECT_MODIFIED)
        detail = subresource
        self._record(user, verb if not subresource else f"{verb}/{subresource}", k, stored, detail)
        self._notify(verb, k, stored)
        return stored

    @staticmethod
    def _status_only(k: Kind, new: dict[str, Any], old: Any, subresource: str) -> dict[str, Any]:
        """upstream status strategies: take status from the request, everything else from old
        (for a namespace's /finalize: take spec.finalizers)."""
        out = thaw(old)
        if subresource == "finalize":
            out.setdefault("spec", {})["finalizers"] = (new.get("spec") or {}).get(
                "finalizers"
            ) or []
        else:
            out["status"] = new.get("status", {})
            # Some status strategies keep metadata from the request too (deploymentStatusStrategy
            # keeps annotations: the controller writes the revision annotation this way).
            for fld in k.extra.get("status_update_metadata", ()):
                if fld in new["metadata"]:
                    out["metadata"][fld] = new["metadata"][fld]
                else:
                    out["metadata"].pop(fld, None)
        rv = new["metadata"].get("resourceVersion")
        if rv:
            out["metadata"]["resourceVersion"] = rv
        return out

    @staticmethod
    def _held(k: Kind, obj: Any) -> bool:
        """Whether finalizers still hold an object that is being deleted."""
        if obj["metadata"].get("finalizers"):
            return True
        return k.kind == "Namespace" and bool((obj.get("spec") or {}).get("finalizers"))

    @staticmethod
    def _carry_system_fields(k: Kind, new: dict[str, Any], old: Any, subresource: str) -> None:
        """upstream rest.BeforeUpdate: users cannot change system fields or, here, the status."""
        meta, old_meta = new["metadata"], old["metadata"]
        for fld in ("uid", "creationTimestamp"):
            if not meta.get(fld):
                meta[fld] = old_meta.get(fld)
        for fld in ("deletionTimestamp", "deletionGracePeriodSeconds", "generation"):
            if fld in old_meta:
                meta[fld] = old_meta[fld]
            else:
                meta.pop(fld, None)
        if k.has_status() and not subresource:
            if "status" in old:
                new["status"] = thaw(old["status"])
            else:
                new.pop("status", None)

    # -- patch -------------------------------------------------------------------------------
    def patch(
        self,
        kind: str | Kind,
        name: str,
        patch: Any,
        patch_type: str = "application/strategic-merge-patch+json",
        *,
        namespace: str | None = None,
        subresource: str = "",
        dry_run: bool = False,
        user: str = "user",
    ) -> Any:
        k = self._kind(kind)
        ns = self._storage.ns(k, namespace)
        key = object_key(k, ns, name)
        kv = self._get_kv(k, ns, name)
        try:
            patched = apply_patch(kv.value, patch, patch_type, k.kind)
        except PatchError as e:
            raise e.to_api_error() from None
        if not isinstance(patched, dict):
            raise bad_request("the patch did not produce a JSON object")
        new = self._copy_in(patched)
        if new["metadata"].get("name") != name:
            raise bad_request(
                f"the name of the object ({new['metadata'].get('name')}) does not match the name on the URL ({name})"
            )
        if not new["metadata"].get("resourceVersion"):
            new["metadata"]["resourceVersion"] = kv.value["metadata"]["resourceVersion"]
        verb = "patch"
        return self._update_existing(k, ns, name, key, kv, new, subresource, dry_run, user, verb)
