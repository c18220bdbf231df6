"""The API server core: every verb, with no transport in it.

Models k8s.io/apiserver/pkg/registry/generic/registry/store.go (Create, Get, List, Update,
Delete with graceful deletion and finalizers), k8s.io/apiserver/pkg/registry/rest (BeforeCreate,
BeforeUpdate, BeforeDelete) and the storage layer's resourceVersion semantics
(k8s.io/apiserver/pkg/storage/etcd3/store.go, cacher): a stale resourceVersion is 409 Conflict,
a compacted one 410 Gone (reason Expired), an unknown object 404, an existing name 409.

Requests name their kind any way kubectl does. Objects go in as Kubernetes JSON dicts (never kept:
the server copies them) and come out as frozen (read-only) dicts shared with the store and every
cache. Every committed write is one trace record.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from typing import Any

from sim.api.errors import (
    OBJECT_MODIFIED,
    ApiError,
    FieldError,
    bad_request,
    conflict,
    gone,
    invalid,
    invalid_object,
    not_found,
    required,
    status_dict,
)
from sim.api.fields import parse_field_selector
from sim.api.frozen import Interner, freeze, thaw
from sim.api.kinds import REGISTRY, Kind, KindRegistry
from sim.api.labels import parse_selector
from sim.api.validation.common import (
    name_is_dns_subdomain,
    validate_object_meta,
    validate_object_meta_update,
)
from sim.apiserver.admission import AdmissionPlugin, Attributes, default_chain, run_admission
from sim.apiserver.keys import kind_prefix, list_prefix, object_key, object_ref
from sim.apiserver.lists import ListRequest, list_objects
from sim.apiserver.patch import PatchError, apply_patch
from sim.apiserver.watch import ApiWatch, KindHub, Send
from sim.core import Clock, RandomStreams, TraceRecorder
from sim.store import CompactedError, Compare, Delete, Put, Store, prefix_end

GRACEFUL_KINDS = ("Pod",)
MAX_GENERATE_NAME_PREFIX = 58  # upstream names.SimpleNameGenerator: maxGeneratedNameLength
GENERATE_NAME_SUFFIX = 5
VALIDATION_MEMO_SIZE = 4096


class ApiServer:
    """kube-apiserver without HTTP: registries, admission, optimistic concurrency, watch."""

    def __init__(
        self,
        clock: Clock,
        store: Store,
        streams: RandomStreams,
        trace: TraceRecorder,
        *,
        registry: KindRegistry = REGISTRY,
        admission: list[AdmissionPlugin] | None = None,
    ):
        self.clock = clock
        self.store = store
        self.registry = registry
        self.trace = trace
        self.admission = default_chain() if admission is None else admission
        self._uids = streams.stream("apiserver/uid")
        self._names = streams.stream("apiserver/generate-name")
        self._hubs: dict[str, KindHub] = {}
        self._observers: list[Callable[[str, Kind, Any], None]] = []
        self._writes: dict[str, int] = {}
        self._interner = Interner()
        self._validation_memo: dict[tuple[str, bytes], builtins.list[FieldError]] = {}
        self._list_cache: dict[str, tuple[int, builtins.list[Any]]] = {}

    # -- helpers -------------------------------------------------------------------------------
    def kind(self, name: str | Kind) -> Kind:
        if type(name) is Kind:
            return name
        try:
            return self.registry.resolve(name)
        except LookupError as e:
            raise ApiError(status_dict(404, "NotFound", str(e))) from None

    def _ns(self, kind: Kind, namespace: str | None) -> str | None:
        if not kind.namespaced:
            return None
        return namespace or "default"

    def _lookup(self, kind_name: str, namespace: str | None, name: str) -> Any:
        kind = self.kind(kind_name)
        kv = self.store.get(object_key(kind, namespace, name))
        return kv.value if kv else None

    def _list_all(self, kind_name: str) -> builtins.list[Any]:
        """Every object of a kind (admission reads small kinds such as PriorityClass on each
        pod create); cached until the next write to that kind, as an informer lister would be."""
        kind = self.kind(kind_name)
        prefix = kind_prefix(kind)
        writes = self._writes.get(prefix, 0)
        cached = self._list_cache.get(prefix)
        if cached is not None and cached[0] == writes:
            return cached[1]
        items = [kv.value for kv in self.store.range(prefix, prefix_end(prefix)).kvs]
        self._list_cache[prefix] = (writes, items)
        return items

    def _record(self, component: str, verb: str, kind: Kind, obj: Any, detail: str = "") -> None:
        meta = obj["metadata"]
        ref = object_ref(kind, meta.get("namespace"), meta["name"])
        self.trace.record(component, verb, ref, meta.get("resourceVersion", ""), detail)

    def observe(self, fn: Callable[[str, Kind, Any], None]) -> None:
        """Call fn(verb, kind, object) after each committed write (for metrics and tests)."""
        self._observers.append(fn)

    def _commit(self, key: str, obj: dict[str, Any], expect_mod: int | None) -> Any:
        """Freeze and write `obj` if the key's mod revision is `expect_mod` (0: must not exist)."""
        rev = self.store.revision + 1  # single writer: the next revision is known in advance
        obj["metadata"]["resourceVersion"] = str(rev)
        frozen = self._interner.freeze(obj)
        compares = [] if expect_mod is None else [Compare(key, "mod", "=", expect_mod)]
        res = self.store.txn(compares, [Put(key, frozen)])
        if not res.succeeded:
            return None
        self._count_write(key)
        assert res.revision == rev, "the store committed at an unexpected revision"
        return frozen

    def _count_write(self, key: str) -> None:
        prefix = key[: key.index("/", len("/registry/")) + 1]
        self._writes[prefix] = self._writes.get(prefix, 0) + 1

    def _get_kv(self, kind: Kind, namespace: str | None, name: str) -> Any:
        kv = self.store.get(object_key(kind, namespace, name))
        if kv is None:
            raise not_found(kind.plural, kind.group, name)
        return kv

    @staticmethod
    def _copy_in(obj: Any) -> dict[str, Any]:
        if type(obj) is not dict and not isinstance(obj, Mapping):
            raise bad_request("the body of the request was not a JSON object")
        try:
            out = thaw(obj)
        except TypeError as e:
            raise bad_request(f"the object could not be encoded as JSON: {e}") from None
        meta = out.get("metadata")
        if meta is None:
            out["metadata"] = {}
        elif not isinstance(meta, dict):
            raise bad_request("metadata must be an object")
        return out

    def _check_type(self, kind: Kind, obj: dict[str, Any]) -> None:
        api_version = obj.get("apiVersion")
        k = obj.get("kind")
        if api_version is None and k is None:
            obj["apiVersion"], obj["kind"] = kind.api_version, kind.kind
            return
        if api_version != kind.api_version or k != kind.kind:
            raise bad_request(
                f"the API version in the data ({api_version}) does not match the expected API "
                f"version ({kind.api_version})"
                if k == kind.kind
                else f"Object '{k}' in the data does not match the expected kind '{kind.kind}'"
            )

    def _name_fn(self, kind: Kind) -> Callable[[str, bool], list[str]]:
        return kind.name_validator or name_is_dns_subdomain

    # -- create ----------------------------------------------------------------------------
    def create(
        self,
        kind: str | Kind,
        obj: Mapping[str, Any],
        *,
        namespace: str | None = None,
        dry_run: bool = False,
        user: str = "user",
    ) -> Any:
        k = self.kind(kind)
        new = self._copy_in(obj)
        self._check_type(k, new)
        meta = new["metadata"]
        ns = self._ns(k, namespace or meta.get("namespace"))
        if k.namespaced:
            if meta.get("namespace") and namespace and meta["namespace"] != namespace:
                raise bad_request(
                    "the namespace of the provided object does not match the namespace sent on "
                    "the request"
                )
            meta["namespace"] = ns
        elif meta.get("namespace"):
            meta.pop("namespace")
        if not meta.get("name") and meta.get("generateName"):
            prefix = str(meta["generateName"])[:MAX_GENERATE_NAME_PREFIX]
            meta["name"] = prefix + self._names.string(GENERATE_NAME_SUFFIX)
        k.default(new)
        self._fill_system_fields(k, new)
        k.prepare_for_create(new)
        name = meta.get("name") or ""
        run_admission(
            self.admission,
            Attributes("CREATE", k, ns, name, new, None),
            self._lookup,
            self._list_all,
        )
        self._validate(k, new, None)
        key = object_key(k, ns, name)
        if dry_run:
            if self.store.get(key) is not None:
                from sim.api.errors import already_exists

                raise already_exists(k.plural, k.group, name)
            return freeze(new)
        stored = self._commit(key, new, 0)
        if stored is None:
            from sim.api.errors import already_exists

            raise already_exists(k.plural, k.group, name)
        self._record(user, "create", k, stored, f"uid={stored['metadata']['uid']}")
        self._notify("create", k, stored)
        return stored

    def _fill_system_fields(self, kind: Kind, obj: dict[str, Any]) -> None:
        """upstream rest.FillObjectMetaSystemFields plus BeforeCreate's clearing."""
        meta = obj["metadata"]
        meta["uid"] = self._uids.uuid()
        meta["creationTimestamp"] = self.clock.timestamp()
        for fld in ("deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion"):
            meta.pop(fld, None)
        if kind.spec_generation:
            meta["generation"] = 1
        else:
            meta.pop("generation", None)
        meta.pop("selfLink", None)
        meta.pop("managedFields", None)

    def _validate(self, kind: Kind, new: dict[str, Any], old: Any) -> None:
        errs: list[FieldError] = validate_object_meta(
            new["metadata"], kind.namespaced, self._name_fn(kind)
        )
        if old is not None:
            errs += validate_object_meta_update(new["metadata"], old["metadata"])
        errs += self._validate_kind(kind, new)
        if old is not None:
            errs += kind.validate_update(new, old)
        elif "validate_create" in kind.extra:
            errs += kind.extra["validate_create"](new)
        if errs:
            name = new["metadata"].get("name") or new["metadata"].get("generateName") or ""
            raise invalid_object(kind.kind, kind.group, name, errs)

    def _validate_kind(self, kind: Kind, new: dict[str, Any]) -> builtins.list[FieldError]:
        """kind.validate, memoized by the kind's `validation_key` (the bytes of every field the
        validator reads), so that replicas stamped from one template are validated once."""
        key_fn = kind.extra.get("validation_key")
        if key_fn is None:
            return kind.validate(new)
        key = (kind.kind, key_fn(new))
        errs = self._validation_memo.get(key)
        if errs is None:
            errs = kind.validate(new)
            if len(self._validation_memo) >= VALIDATION_MEMO_SIZE:
                self._validation_memo.clear()
            self._validation_memo[key] = errs
        return builtins.list(errs)

    def _notify(self, verb: str, kind: Kind, obj: Any) -> None:
        for fn in self._observers:
            fn(verb, kind, obj)

    # -- get / list --------------------------------------------------------------------------
    def get(self, kind: str | Kind, name: str, *, namespace: str | None = None) -> Any:
        k = self.kind(kind)
        return self._get_kv(k, self._ns(k, namespace), name).value

    def list(
        self,
        kind: str | Kind,
        *,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int = 0,
        continue_: str | None = None,
        resource_version: str | None = None,
        resource_version_match: str | None = None,
    ) -> dict[str, Any]:
        """A `<Kind>List` dict (items frozen) with metadata.resourceVersion and continue."""
        k = self.kind(kind)
        req = ListRequest(
            kind=k,
            prefix=list_prefix(k, namespace if k.namespaced else None),
            labels=self._labels(label_selector),
            fields=self._fields(k, field_selector),
            limit=limit,
            continue_=continue_,
            resource_version=resource_version,
            resource_version_match=resource_version_match,
        )
        return list_objects(self.store, req)

    def _labels(self, text: str | None) -> Any:
        if not text:
            return None
        try:
            return parse_selector(text)
        except ValueError as e:
            raise bad_request(f"unable to parse requirement: {e}") from None

    def _fields(self, kind: Kind, text: str | None) -> Any:
        if not text:
            return None
        from sim.api.fields import supported_fields

        try:
            sel = parse_field_selector(text)
        except ValueError as e:
            raise bad_request(str(e)) from None
        allowed = supported_fields(kind.kind)
        for fld, _op, _value in sel.requirements:
            if fld not in allowed:
                raise bad_request(f"field label not supported: {fld}")
        return sel

    # -- update ------------------------------------------------------------------------------
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
        k = self.kind(kind)
        new = self._copy_in(obj)
        self._check_type(k, new)
        meta = new["metadata"]
        ns = self._ns(k, namespace or meta.get("namespace"))
        name = meta.get("name") or ""
        if not name:
            raise invalid_object(
                k.kind, k.group, "", [required("metadata.name", "name is required")]
            )
        key = object_key(k, ns, name)
        kv = self.store.get(key)
        if kv is None:
            if k.allow_create_on_update and not subresource:
                meta.pop("resourceVersion", None)
                return self.create(k, new, namespace=ns, dry_run=dry_run, user=user)
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
        if k.namespaced:
            meta["namespace"] = ns
        if subresource in ("status", "finalize"):
            new = self._status_only(k, new, old, subresource)
            meta = new["metadata"]
        elif subresource:
            raise bad_request(f"unsupported subresource {subresource!r} for update")
        k.default(new)
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
                self.admission,
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
        k = self.kind(kind)
        ns = self._ns(k, namespace)
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

    # -- delete ------------------------------------------------------------------------------
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
        k = self.kind(kind)
        ns = self._ns(k, namespace)
        key = object_key(k, ns, name)
        kv = self._get_kv(k, ns, name)
        old = kv.value
        self._check_preconditions(k, name, old, preconditions)
        if propagation_policy not in (None, "", "Orphan", "Foreground", "Background"):
            raise bad_request(f"propagationPolicy {propagation_policy} is not supported")
        run_admission(
            self.admission,
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
            meta["deletionTimestamp"] = self.clock.timestamp(self.clock.now + grace)
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

    def _remove(self, k: Kind, key: str, kv: Any, user: str, detail: str) -> Any:
        res = self.store.txn([Compare(key, "mod", "=", kv.mod_revision)], [Delete(key)])
        if not res.succeeded:
            raise conflict(k.plural, k.group, kv.value["metadata"]["name"], OBJECT_MODIFIED)
        self._count_write(key)
        from sim.apiserver.watch import with_resource_version

        last = with_resource_version(kv.value, str(res.revision))
        self._record(user, "delete", k, last, detail or "removed")
        self._notify("delete", k, last)
        return last

    # -- watch -------------------------------------------------------------------------------
    def watch(
        self,
        kind: str | Kind,
        send: Send,
        *,
        namespace: str | None = None,
        resource_version: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> ApiWatch:
        """Send every later change that passes the filters to `send`, in revision order.

        resource_version "" or "0": first the current state as ADDED events, then changes
        (upstream "get state and start at most recent"). A number N: every change after N,
        or 410 Expired if N has been compacted away.
        """
        k = self.kind(kind)
        w = ApiWatch(
            k,
            namespace if k.namespaced else None,
            self._labels(label_selector),
            self._fields(k, field_selector),
            send,
        )
        hub = self._hub(k)
        if resource_version in (None, "", "0"):
            listing = self.list(k, namespace=namespace)
            from sim.apiserver.watch import ADDED, ApiWatchEvent

            for item in listing["items"]:
                if w.matches(item):
                    send(ApiWatchEvent(ADDED, item))
        else:
            try:
                start = int(resource_version) + 1
            except ValueError:
                raise bad_request(f'invalid resource version "{resource_version}"') from None
            try:
                hub.replay(w, start)
            except CompactedError as e:
                raise gone(
                    f"too old resource version: {resource_version} ({e.compact_revision})"
                ) from None
        hub.add(w)
        return w

    def _hub(self, k: Kind) -> KindHub:
        hub = self._hubs.get(k.group_resource)
        if hub is None:
            hub = self._hubs[k.group_resource] = KindHub(k, self.store, kind_prefix(k))
        return hub

    # -- pods/binding and pods/eviction ----------------------------------------------------------
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
        k = self.kind("pods")
        ns = self._ns(k, namespace)
        meta = binding.get("metadata") or {}
        if meta.get("name") and meta["name"] != name:
            raise bad_request("name in URL does not match name in Binding object")
        errs = k.extra["validate_binding"](binding)
        if errs:
            raise invalid_object("Binding", "", name, errs)
        key = object_key(k, ns, name)
        kv = self._get_kv(k, ns, name)
        pod = kv.value
        for fld, why in (("uid", "UID"), ("resourceVersion", "ResourceVersion")):
            if meta.get(fld) and meta[fld] != pod["metadata"].get(fld):
                raise conflict("pods/binding", "", name, f"Precondition failed: {why} mismatch")
        target = binding["target"]["name"]
        if pod["metadata"].get("deletionTimestamp"):
            why = f"pod {name} is being deleted, cannot be assigned to a host"
            raise conflict("pods/binding", "", name, why)
        if pod["spec"].get("nodeName"):
            why = f'pod {name} is already assigned to node "{pod["spec"]["nodeName"]}"'
            raise conflict("pods/binding", "", name, why)
        if pod["spec"].get("schedulingGates"):
            raise conflict(
                "pods/binding", "", name, f"pod {name} has non-empty .spec.schedulingGates"
            )
        new = thaw(pod)
        new["spec"]["nodeName"] = target
        if meta.get("annotations"):
            new["metadata"].setdefault("annotations", {}).update(meta["annotations"])
        _set_condition(new, "PodScheduled", "True", self.clock.timestamp())
        if dry_run:
            return freeze(new)
        stored = self._commit(key, new, kv.mod_revision)
        if stored is None:
            raise conflict("pods", "", name, OBJECT_MODIFIED)
        self._record(user, "bind", k, stored, f"node={target}")
        self._notify("bind", k, stored)
        return stored

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
        k = self.kind("pods")
        ns = self._ns(k, namespace)
        self._get_kv(k, ns, name)
        return self.delete(
            k,
            name,
            namespace=ns,
            grace_period_seconds=grace_period_seconds,
            dry_run=dry_run,
            user=user,
        )

    # -- scale subresource --------------------------------------------------------------------
    def get_scale(self, kind: str | Kind, name: str, *, namespace: str | None = None) -> Any:
        k = self.kind(kind)
        scale = k.extra.get("scale")
        if scale is None:
            raise not_found(f"{k.plural}/scale", k.group, name)
        return freeze(scale[0](self.get(k, name, namespace=namespace)))

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
        k = self.kind(kind)
        scale = k.extra.get("scale")
        if scale is None:
            raise not_found(f"{k.plural}/scale", k.group, name)
        cur = self.get(k, name, namespace=namespace)
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
        updated = self.update(k, new, namespace=namespace, user=user)
        return freeze(scale[0](updated))


def _set_condition(obj: dict[str, Any], type_: str, status: str, now: str) -> None:
    """podutil.UpdatePodCondition: the transition time moves only when the status changes."""
    conditions = obj.setdefault("status", {}).setdefault("conditions", [])
    for c in conditions:
        if c.get("type") == type_:
            if c.get("status") != status:
                c["lastTransitionTime"] = now
            c["status"] = status
            return
    conditions.append(
        {"type": type_, "status": status, "lastProbeTime": None, "lastTransitionTime": now}
    )
