"""The API server core: registries, create, get, list and watch, with no transport in it.

Models k8s.io/apiserver/pkg/registry/generic/registry/store.go (Create, Get, List),
k8s.io/apiserver/pkg/registry/rest (BeforeCreate) and the storage layer's resourceVersion
semantics (k8s.io/apiserver/pkg/storage/etcd3/store.go, cacher): a compacted resourceVersion is
410 Gone (reason Expired), an unknown object 404, an existing name 409.

Requests name their kind any way kubectl does. Objects go in as Kubernetes JSON dicts (never kept:
the server copies them) and come out as frozen (read-only) dicts shared with the store and every
cache. Every committed write is one trace record. Updates, deletes and subresources extend this
class in sim/apiserver/update.py, deletion.py and server.py.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from sim.api.errors import (
    OBJECT_MODIFIED,
    ApiError,
    FieldError,
    already_exists,
    bad_request,
    conflict,
    gone,
    invalid_object,
    not_found,
    status_dict,
)
from sim.api.fields import parse_field_selector, supported_fields
from sim.api.frozen import Interner, Owned, freeze, freeze_object, thaw
from sim.api.kinds import REGISTRY, Kind, KindRegistry, noop
from sim.api.labels import parse_selector
from sim.api.validation.common import (
    name_is_dns_subdomain,
    validate_object_meta,
    validate_object_meta_update,
)
from sim.apiserver.admission import AdmissionPlugin, Attributes, default_chain, plugins_for
from sim.apiserver.keys import kind_prefix, list_prefix, object_key, object_ref
from sim.apiserver.lists import ListRequest, list_objects
from sim.apiserver.renewals import Renewals
from sim.apiserver.watch import ADDED, ApiWatch, ApiWatchEvent, KindHub, Send, with_resource_version
from sim.core import Clock, RandomStreams, TraceRecorder
from sim.store import CompactedError, Compare, Delete, Store, prefix_end

GRACEFUL_KINDS = ("Pod",)
MAX_GENERATE_NAME_PREFIX = 58  # upstream names.SimpleNameGenerator: maxGeneratedNameLength
GENERATE_NAME_SUFFIX = 5
VALIDATION_MEMO_SIZE = 4096
# Events are never alike (each names its object and moment): interning their parts would only
# push the shared pod-template parts out of the interner's bounded table.
UNINTERNED = ("/registry/events/", "/registry/events.events.k8s.io/")
# What BeforeCreate clears (and generation, kept at 1 for kinds that track it).
_CLEARED_ON_CREATE = (
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "resourceVersion",
    "selfLink",
    "managedFields",
)
_CLEARED_ON_CREATE_SET = frozenset(_CLEARED_ON_CREATE)


class ApiCore:
    """The read side, create and watch; the base of ApiServer."""

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
        # kind -> (the admission chain when last looked at, its plugins that act on the kind)
        self._admitting: dict[str, tuple[list[AdmissionPlugin], list[AdmissionPlugin]]] = {}
        self._uids = streams.stream("apiserver/uid")
        self._names = streams.stream("apiserver/generate-name")
        self._hubs: dict[str, KindHub] = {}
        self._kinds: dict[str | Kind, Kind] = {}
        self._observers: list[Callable[[str, Kind, Any], None]] = []
        self._writes: dict[str, int] = {}
        self._interner = Interner()
        self._default_memo: dict[tuple[str, bytes], bytes] = {}
        self._validation_memo: dict[tuple[str, bytes], builtins.list[FieldError]] = {}
        self._list_cache: dict[str, tuple[int, builtins.list[Any]]] = {}
        self.renewals = Renewals(self)  # type: ignore[arg-type]

    # -- helpers -------------------------------------------------------------------------------
    def kind(self, name: str | Kind) -> Kind:
        k = self._kinds.get(name)
        if k is not None:
            return k
        if type(name) is Kind:
            return name
        try:
            k = self.registry.resolve(name)
        except LookupError as e:
            raise ApiError(status_dict(404, "NotFound", str(e))) from None
        # a name, once resolved, resolves the same for good (the registry only adds kinds)
        self._kinds[name] = k
        return k

    def _ns(self, kind: Kind, namespace: str | None) -> str | None:
        if not kind.namespaced:
            return None
        return namespace or "default"

    def _lookup(self, kind_name: str, namespace: str | None, name: str) -> Any:
        kv = self.store.get(object_key(self.kind(kind_name), namespace, name))
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
        frozen = freeze_object(obj) if key.startswith(UNINTERNED) else self._interner.freeze(obj)
        kv = self.store.swap(key, frozen, expect_mod)
        if kv is None:
            return None
        self._count_write(key)
        assert kv.mod_revision == rev, "the store committed at an unexpected revision"
        return frozen

    def _remove(self, k: Kind, key: str, kv: Any, user: str, detail: str) -> Any:
        res = self.store.txn([Compare(key, "mod", "=", kv.mod_revision)], [Delete(key)])
        if not res.succeeded:
            raise conflict(k.plural, k.group, kv.value["metadata"]["name"], OBJECT_MODIFIED)
        self._count_write(key)
        last = with_resource_version(kv.value, str(res.revision))
        self._record(user, "delete", k, last, detail or "removed")
        self._notify("delete", k, last)
        return last

    # -- watch -------------------------------------------------------------------------------

    def _count_write(self, key: str) -> None:
        prefix = key[: key.index("/", 10) + 1]  # "/registry/<resource>/"
        self._writes[prefix] = self._writes.get(prefix, 0) + 1

    def _get_kv(self, kind: Kind, namespace: str | None, name: str) -> Any:
        key = object_key(kind, namespace, name)
        if key in self.renewals.by_key:
            self.renewals.settle_key(key)
        kv = self.store.get(key)
        if kv is None:
            raise not_found(kind.plural, kind.group, name)
        return kv

    @staticmethod
    def _copy_in(obj: Any) -> dict[str, Any]:
        if type(obj) is Owned:  # handed over: already a private copy
            out: dict[str, Any] = dict(obj)
        elif type(obj) is not dict and not isinstance(obj, Mapping):
            raise bad_request("the body of the request was not a JSON object")
        else:
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

    def _incoming(
        self, kind: str | Kind, obj: Mapping[str, Any], namespace: str | None
    ) -> tuple[Kind, dict[str, Any], str | None]:
        """The body of a create or update: a private copy of the right type, its namespace
        reconciled with the request's (upstream rest.BeforeCreate / BeforeUpdate)."""
        k = self.kind(kind)
        new = self._copy_in(obj)
        if new.get("apiVersion") != k.api_version or new.get("kind") != k.kind:
            self._check_type(k, new)
        meta = new["metadata"]
        if k.namespaced:
            ns = namespace or meta.get("namespace") or "default"  # self._ns, inline
            if meta.get("namespace") and namespace and meta["namespace"] != namespace:
                raise bad_request(
                    "the namespace of the provided object does not match the namespace sent on "
                    "the request"
                )
            meta["namespace"] = ns
        else:
            ns = None
            if meta.get("namespace"):
                meta.pop("namespace")
        return k, new, ns

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
        k, new, ns = self._incoming(kind, obj, namespace)
        meta = new["metadata"]
        if not meta.get("name") and meta.get("generateName"):
            prefix = str(meta["generateName"])[:MAX_GENERATE_NAME_PREFIX]
            meta["name"] = prefix + self._names.string(GENERATE_NAME_SUFFIX)
        if k.default is not noop:
            self._default(k, new)
        # upstream rest.FillObjectMetaSystemFields plus BeforeCreate's clearing
        meta["uid"] = self._uids.uuid()
        meta["creationTimestamp"] = self.clock.timestamp()
        if not _CLEARED_ON_CREATE_SET.isdisjoint(meta):
            for fld in _CLEARED_ON_CREATE:
                if fld in meta:
                    del meta[fld]
        if k.spec_generation:
            meta["generation"] = 1
        elif "generation" in meta:
            del meta["generation"]
        if k.prepare_for_create is not noop:
            k.prepare_for_create(new)
        name = meta.get("name") or ""
        attrs = Attributes("CREATE", k, ns, name, new, None)
        for plugin in self._admission_for(k):  # run_admission, inline
            plugin.admit(attrs, self._lookup, self._list_all)
        self._validate(k, new, None)
        key = object_key(k, ns, name)
        if dry_run:
            if self.store.get(key) is not None:
                raise already_exists(k.plural, k.group, name)
            return freeze(new)
        stored = self._commit(key, new, 0)
        if stored is None:
            raise already_exists(k.plural, k.group, name)
        self._record(user, "create", k, stored, f"uid={stored['metadata']['uid']}")
        if self._observers:
            self._notify("create", k, stored)
        return stored

    def _admission_for(self, k: Kind) -> list[AdmissionPlugin]:
        """The admission chain's plugins that act on kind `k` (plugins_for), worked out again
        when the chain has changed since."""
        chain = self.admission
        admitting = self._admitting.get(k.kind)
        if admitting is None or admitting[0] != chain:
            admitting = self._admitting[k.kind] = (list(chain), plugins_for(chain, k.kind))
        return admitting[1]

    def _validate(self, kind: Kind, new: dict[str, Any], old: Any) -> None:
        errs: list[FieldError] = validate_object_meta(
            new["metadata"], kind.namespaced, kind.name_validator or name_is_dns_subdomain
        )
        if old is not None:
            errs += validate_object_meta_update(new["metadata"], old["metadata"])
        if "validation_key" in kind.extra:
            errs += self._validate_kind(kind, new)
        else:
            errs += kind.validate(new)
        if old is not None:
            errs += kind.validate_update(new, old)
        elif "validate_create" in kind.extra:
            errs += kind.extra["validate_create"](new)
        if errs:
            name = new["metadata"].get("name") or new["metadata"].get("generateName") or ""
            raise invalid_object(kind.kind, kind.group, name, errs)

    def _default(self, kind: Kind, obj: dict[str, Any]) -> None:
        """kind.default, memoized for kinds whose defaulting reads and writes one section only
        (`extra["default_section"]`, "spec" for pods): replicas stamped from one template are
        defaulted once, and later ones get a private copy of the result."""
        section: str = kind.extra.get("default_section") or ""
        value = obj.get(section) if section else None
        if type(value) is not dict:
            kind.default(obj)
            return
        key = (kind.kind, orjson.dumps(value))
        done = self._default_memo.get(key)
        if done is None:
            kind.default(obj)
            if len(self._default_memo) >= VALIDATION_MEMO_SIZE:
                self._default_memo.clear()
            self._default_memo[key] = orjson.dumps(obj[section])
        else:
            obj[section] = orjson.loads(done)

    def _validate_kind(self, kind: Kind, new: dict[str, Any]) -> builtins.list[FieldError]:
        """kind.validate for a kind with a `validation_key` (the bytes of every field the
        validator reads), memoized by it: replicas stamped from one template are validated once."""
        key = (kind.kind, kind.extra["validation_key"](new))
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
        if self.renewals.handles(k):
            self.renewals.settle_prefix(k, req.prefix)
        return list_objects(self.store, req)

    def _labels(self, text: str | None) -> Any:
        if not text:
            return None
        try:
            return parse_selector(text)
        except ValueError as e:
            raise bad_request(str(e)) from None

    def _fields(self, kind: Kind, text: str | None) -> Any:
        if not text:
            return None
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
    def watch(
        self,
        kind: str | Kind,
        send: Send,
        *,
        namespace: str | None = None,
        resource_version: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        tolerate_renewals: bool = False,
    ) -> ApiWatch:
        """Send every later change that passes the filters to `send`, in revision order.

        resource_version "" or "0": first the current state as ADDED events, then changes
        (upstream "get state and start at most recent"). A number N: every change after N,
        or 410 Expired if N has been compacted away.

        While a watch of a kind without `tolerate_renewals` is open, standing renewals of that
        kind are written as they fall due, so it sees one event per renewal; an informer of a
        modelled component passes True and reads renewed fields through `self.renewals`.
        """
        k = self.kind(kind)
        w = ApiWatch(
            k,
            namespace if k.namespaced else None,
            self._labels(label_selector),
            self._fields(k, field_selector),
            send,
        )
        w.strict = not tolerate_renewals
        hub = self._hub(k)
        if w.strict:
            self.renewals.settle_prefix(k, kind_prefix(k))
        if resource_version in (None, "", "0"):
            listing = self.list(k, namespace=namespace)
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
        if w.strict:
            self.renewals.watched(k)
        return w

    def _hub(self, k: Kind) -> KindHub:
        hub = self._hubs.get(k.group_resource)
        if hub is None:
            hub = self._hubs[k.group_resource] = KindHub(k, self.store, kind_prefix(k))
        return hub

    # -- pods/binding and pods/eviction ----------------------------------------------------------
