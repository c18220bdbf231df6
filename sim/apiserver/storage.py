"""The storage every verb handler shares: the store, the kinds, admission, observers, the trace.

Models the shared part of k8s.io/apiserver/pkg/registry/generic/registry/store.go (`Store`: one
per resource there, one for every kind here) and of k8s.io/apiserver/pkg/registry/rest
(BeforeCreate / BeforeUpdate's namespace and type checks). The verb handlers (create.py,
update.py, deletion.py, reads.py, subresources.py) do their work through it; none keeps state of
its own beyond the named random streams it draws from (the creater's uids and generated names). Guarantees:

- a commit is conditional on the key's mod revision (0: must not exist), so a stale writer gets
  409 Conflict; every committed write is one trace record, then one call of each observer;
- objects come in as Kubernetes JSON (copied, never kept) and are stored frozen (read-only) and
  interned, so replicas stamped from one template share their parts;
- defaulting and validation of kinds that say which part they read are memoized by that part's
  bytes, in bounded tables.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import orjson

from sim.api.errors import (
    OBJECT_MODIFIED,
    ApiError,
    FieldError,
    bad_request,
    conflict,
    invalid_object,
    not_found,
    status_dict,
)
from sim.api.fields import parse_field_selector, supported_fields
from sim.api.frozen import Interner, Owned, freeze_object, thaw
from sim.api.kinds import Kind, KindRegistry
from sim.api.labels import parse_selector
from sim.api.validation.common import (
    name_is_dns_subdomain,
    validate_object_meta,
    validate_object_meta_update,
)
from sim.apiserver.admission import AdmissionPlugin, plugins_for
from sim.apiserver.keys import kind_prefix, object_key, object_ref
from sim.apiserver.watch import KindHub, with_resource_version
from sim.core import Clock, TraceRecorder
from sim.store import Compare, Delete, Store, prefix_end

if TYPE_CHECKING:
    from sim.apiserver.renewals import Renewals

GRACEFUL_KINDS = ("Pod",)
VALIDATION_MEMO_SIZE = 4096
# Events are never alike (each names its object and moment): interning their parts would only
# push the shared pod-template parts out of the interner's bounded table.
UNINTERNED = ("/registry/events/", "/registry/events.events.k8s.io/")


class RegistryStore:
    """The state and helpers shared by the verb handlers (see the module docstring)."""

    def __init__(
        self,
        clock: Clock,
        store: Store,
        trace: TraceRecorder,
        registry: KindRegistry,
        admission: list[AdmissionPlugin],
    ):
        self.clock = clock
        self.store = store
        self.registry = registry
        self.trace = trace
        self.admission = admission
        # kind -> (the admission chain when last looked at, its plugins that act on the kind)
        self._admitting: dict[str, tuple[list[AdmissionPlugin], list[AdmissionPlugin]]] = {}
        self.hubs: dict[str, KindHub] = {}
        self._kinds: dict[str | Kind, Kind] = {}
        self.observers: list[Callable[[str, Kind, Any], None]] = []
        self._writes: dict[str, int] = {}
        self._interner = Interner()
        self._default_memo: dict[tuple[str, bytes], bytes] = {}
        self._validation_memo: dict[tuple[str, bytes], builtins.list[FieldError]] = {}
        self._list_cache: dict[str, tuple[int, builtins.list[Any]]] = {}
        self.renewals: Renewals  # set by ApiServer before the handlers are built (the updater
        # reads it); its `update` is wired once the update handler exists

    # -- kinds and names -----------------------------------------------------------------------
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

    @staticmethod
    def ns(kind: Kind, namespace: str | None) -> str | None:
        if not kind.namespaced:
            return None
        return namespace or "default"

    # -- reading ---------------------------------------------------------------------------------
    def lookup(self, kind_name: str, namespace: str | None, name: str) -> Any:
        kv = self.store.get(object_key(self.kind(kind_name), namespace, name))
        return kv.value if kv else None

    def list_all(self, kind_name: str) -> builtins.list[Any]:
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

    def get_kv(self, kind: Kind, namespace: str | None, name: str) -> Any:
        """The stored key-value of an object (its due standing renewal written first), or 404."""
        key = object_key(kind, namespace, name)
        if key in self.renewals.by_key:
            self.renewals.settle_key(key)
        kv = self.store.get(key)
        if kv is None:
            raise not_found(kind.plural, kind.group, name)
        return kv

    def hub(self, k: Kind) -> KindHub:
        hub = self.hubs.get(k.group_resource)
        if hub is None:
            hub = self.hubs[k.group_resource] = KindHub(k, self.store, kind_prefix(k))
        return hub

    # -- writing ---------------------------------------------------------------------------------
    def commit(self, key: str, obj: dict[str, Any], expect_mod: int | None) -> Any:
        """Freeze and write `obj` if the key's mod revision is `expect_mod` (0: must not exist)."""
        rev = self.store.revision + 1  # single writer: the next revision is known in advance
        obj["metadata"]["resourceVersion"] = str(rev)
        frozen = freeze_object(obj) if key.startswith(UNINTERNED) else self._interner.freeze(obj)
        kv = self.store.swap(key, frozen, expect_mod)
        if kv is None:
            return None
        prefix = key[: key.index("/", 10) + 1]  # self._count_write(key), inline: once per write
        self._writes[prefix] = self._writes.get(prefix, 0) + 1
        assert kv.mod_revision == rev, "the store committed at an unexpected revision"
        return frozen

    def remove(self, k: Kind, key: str, kv: Any, user: str, detail: str) -> Any:
        """Delete the object now, unless it changed since `kv` (409); returns its last state."""
        res = self.store.txn([Compare(key, "mod", "=", kv.mod_revision)], [Delete(key)])
        if not res.succeeded:
            raise conflict(k.plural, k.group, kv.value["metadata"]["name"], OBJECT_MODIFIED)
        self._count_write(key)
        last = with_resource_version(kv.value, str(res.revision))
        self.record(user, "delete", k, last, detail or "removed")
        self.notify("delete", k, last)
        return last

    def _count_write(self, key: str) -> None:
        prefix = key[: key.index("/", 10) + 1]  # "/registry/<resource>/"
        self._writes[prefix] = self._writes.get(prefix, 0) + 1

    def record(self, component: str, verb: str, kind: Kind, obj: Any, detail: str = "") -> None:
        meta = obj["metadata"]
        ref = object_ref(kind, meta.get("namespace"), meta["name"])
        self.trace.record(component, verb, ref, meta.get("resourceVersion", ""), detail)

    def notify(self, verb: str, kind: Kind, obj: Any) -> None:
        for fn in self.observers:
            fn(verb, kind, obj)

    # -- the body of a create or update ------------------------------------------------------------
    @staticmethod
    def copy_in(obj: Any) -> dict[str, Any]:
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

    @staticmethod
    def _check_type(kind: Kind, obj: dict[str, Any]) -> None:
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

    def incoming(
        self, kind: str | Kind, obj: Mapping[str, Any], namespace: str | None
    ) -> tuple[Kind, dict[str, Any], str | None]:
        """The body of a create or update: a private copy of the right type, its namespace
        reconciled with the request's (upstream rest.BeforeCreate / BeforeUpdate)."""
        k = self.kind(kind)
        new = self.copy_in(obj)
        if new.get("apiVersion") != k.api_version or new.get("kind") != k.kind:
            self._check_type(k, new)
        meta = new["metadata"]
        if k.namespaced:
            ns = namespace or meta.get("namespace") or "default"  # self.ns, inline
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

    # -- admission, defaulting, validation ----------------------------------------------------------
    def admission_for(self, k: Kind) -> list[AdmissionPlugin]:
        """The admission chain's plugins that act on kind `k` (plugins_for), worked out again
        when the chain has changed since."""
        chain = self.admission
        admitting = self._admitting.get(k.kind)
        if admitting is None or admitting[0] != chain:
            admitting = self._admitting[k.kind] = (list(chain), plugins_for(chain, k.kind))
        return admitting[1]

    def validate(self, kind: Kind, new: dict[str, Any], old: Any) -> None:
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

    def default(self, kind: Kind, obj: dict[str, Any]) -> None:
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

    # -- selectors -------------------------------------------------------------------------------
    @staticmethod
    def labels(text: str | None) -> Any:
        if not text:
            return None
        try:
            return parse_selector(text)
        except ValueError as e:
            raise bad_request(str(e)) from None

    @staticmethod
    def fields(kind: Kind, text: str | None) -> Any:
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
