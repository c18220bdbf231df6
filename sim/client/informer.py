"""Shared informers: list, then watch, into a local indexed cache, with handlers and resync.

Follows client-go tools/cache (reflector.go, shared_informer.go, store.go, thread_safe_store.go,
index.go): the reflector lists (paged), replaces the cache, then watches from the list's
resourceVersion; on 410 Gone (or any watch error) it relists after a backoff and reconciles
the cache, emitting add/update/delete for what changed meanwhile (DeletedFinalStateUnknown is
collapsed into a plain delete of the last known object). Handlers run synchronously, in event
order, and must only enqueue keys. The cache holds the very (frozen) objects the server sent,
shared with every other reader: an informer never copies an object.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Generator, Iterable
from typing import Any

from sim.api.errors import ApiError
from sim.client.interface import Client
from sim.core import Clock

IndexFunc = Callable[[Any], Iterable[str]]
AddFn = Callable[[Any], None]
UpdateFn = Callable[[Any, Any], None]
DeleteFn = Callable[[Any], None]

RELIST_BACKOFF_INITIAL_S = 0.8  # client-go reflector: backoff 800 ms .. 30 s
RELIST_BACKOFF_MAX_S = 30.0
LIST_PAGE_SIZE = 500  # client-go pager default page size


def meta_namespace_key(obj: Any) -> str:
    """client-go MetaNamespaceKeyFunc: `namespace/name`, or `name` when cluster-scoped."""
    meta = obj["metadata"]
    ns = meta.get("namespace")
    return f"{ns}/{meta['name']}" if ns else meta["name"]


def index_by_namespace(obj: Any) -> Iterable[str]:
    ns = obj["metadata"].get("namespace")
    return (ns,) if ns else ()


def index_by_node_name(obj: Any) -> Iterable[str]:
    node = obj.get("spec", {}).get("nodeName")
    return (node,) if node else ()


def index_by_owner(obj: Any) -> Iterable[str]:
    """The uid of every owner (controllers first, as their references list them)."""
    return tuple(
        ref["uid"] for ref in obj["metadata"].get("ownerReferences") or () if ref.get("uid")
    )


STANDARD_INDEXERS: dict[str, IndexFunc] = {
    "namespace": index_by_namespace,
    "nodeName": index_by_node_name,
    "owner": index_by_owner,
}


class Indexer:
    """A keyed cache with secondary indexes (client-go cache.Indexer)."""

    def __init__(self, indexers: dict[str, IndexFunc] | None = None):
        self._items: dict[str, Any] = {}
        self._indexers = dict(indexers or {})
        self._indices: dict[str, dict[str, dict[str, None]]] = {n: {} for n in self._indexers}

    def add_indexers(self, indexers: dict[str, IndexFunc]) -> None:
        for name, fn in indexers.items():
            if name in self._indexers:
                continue
            self._indexers[name] = fn
            self._indices[name] = {}
            for key, obj in self._items.items():
                self._index_one(name, fn, key, obj)

    def _index_one(self, name: str, fn: IndexFunc, key: str, obj: Any) -> None:
        index = self._indices[name]
        for value in fn(obj):
            index.setdefault(value, {})[key] = None

    def _unindex(self, key: str, obj: Any) -> None:
        for name, fn in self._indexers.items():
            index = self._indices[name]
            for value in fn(obj):
                bucket = index.get(value)
                if bucket is not None:
                    bucket.pop(key, None)
                    if not bucket:
                        del index[value]

    def put(self, key: str, obj: Any) -> Any:
        return self._replace(key, obj, self._items.get(key))

    def _replace(self, key: str, obj: Any, old: Any) -> Any:
        """put, with `old` the object now under `key` (the caller has looked it up)."""
        if old is not None:
            self._unindex(key, old)
        self._items[key] = obj
        for name, fn in self._indexers.items():
            self._index_one(name, fn, key, obj)
        return old

    def remove(self, key: str) -> Any:
        old = self._items.pop(key, None)
        if old is not None:
            self._unindex(key, old)
        return old

    def get(self, key: str) -> Any:
        return self._items.get(key)

    def get_by(self, namespace: str | None, name: str) -> Any:
        return self._items.get(f"{namespace}/{name}" if namespace else name)

    def keys(self) -> list[str]:
        return list(self._items)

    def list(self) -> list[Any]:
        return list(self._items.values())

    def by_index(self, index_name: str, value: str) -> builtins.list[Any]:
        bucket = self._indices[index_name].get(value, {})
        return [self._items[k] for k in bucket]

    def index_keys(self, index_name: str, value: str) -> builtins.list[str]:
        return list(self._indices[index_name].get(value, {}))

    def index_values(self, index_name: str) -> builtins.list[str]:
        """Every value some object is indexed under (client-go ListIndexFuncValues)."""
        return list(self._indices[index_name])

    def count(self, index_name: str, value: str) -> int:
        return len(self._indices[index_name].get(value, {}))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: str) -> bool:
        return key in self._items


class SharedInformer:
    """One kind's list-watch loop feeding an Indexer and any number of handlers."""

    def __init__(
        self,
        client: Client,
        clock: Clock,
        kind: str,
        *,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resync_period_s: float = 0.0,
        indexers: dict[str, IndexFunc] | None = None,
    ):
        self.client = client
        self.clock = clock
        self.kind = kind
        self.namespace = namespace
        self.label_selector = label_selector
        self.field_selector = field_selector
        self.resync_period_s = resync_period_s
        self.indexer = Indexer(
            indexers if indexers is not None else {"namespace": index_by_namespace}
        )
        self._handlers: list[tuple[AddFn | None, UpdateFn | None, DeleteFn | None]] = []
        self.has_synced = False
        self.last_sync_resource_version = ""
        self.relists = 0
        self._process: Any = None
        self._stream: Any = None
        self._stopped = False
        self._synced_event = clock.event()

    # -- configuration -----------------------------------------------------------------------
    def add_event_handler(
        self,
        on_add: AddFn | None = None,
        on_update: UpdateFn | None = None,
        on_delete: DeleteFn | None = None,
    ) -> None:
        """Register handlers; objects already cached are replayed to on_add, as client-go does."""
        self._handlers.append((on_add, on_update, on_delete))
        if on_add is not None:
            for obj in self.indexer.list():
                on_add(obj)

    def add_indexers(self, indexers: dict[str, IndexFunc]) -> None:
        self.indexer.add_indexers(indexers)

    # -- running -----------------------------------------------------------------------------
    def start(self) -> None:
        if self._process is None:
            self._process = self.clock.process(self._run())
            if self.resync_period_s > 0:
                self.clock.process(self._resync_loop())

    def stop(self) -> None:
        self._stopped = True
        if self._stream is not None:
            self._stream.stop()

    def wait_for_sync(self) -> Any:
        """A SimPy event that fires once the first list has been cached."""
        return self._synced_event

    def _run(self) -> Generator[Any, Any, None]:
        backoff = RELIST_BACKOFF_INITIAL_S
        while not self._stopped:
            try:
                rv = yield from self._list_and_replace()
                backoff = RELIST_BACKOFF_INITIAL_S
                yield from self._watch(rv)
            except ApiError:
                if self._stopped:
                    return
                yield self.clock.timeout(backoff)
                backoff = min(backoff * 2, RELIST_BACKOFF_MAX_S)

    def _list_and_replace(self) -> Generator[Any, Any, str]:
        items: list[Any] = []
        cont = None
        rv = ""
        while True:
            page = yield self.client.list(
                self.kind,
                namespace=self.namespace,
                label_selector=self.label_selector,
                field_selector=self.field_selector,
                limit=LIST_PAGE_SIZE,
                continue_=cont,
            )
            items.extend(page["items"])
            rv = page["metadata"]["resourceVersion"]
            cont = page["metadata"].get("continue")
            if not cont:
                break
        self.relists += 1
        self._replace(items, rv)
        return rv

    def _replace(self, items: list[Any], rv: str) -> None:
        fresh = {meta_namespace_key(o): o for o in items}
        for key in self.indexer.keys():
            if key not in fresh:
                self._apply("DELETED", self.indexer.get(key))
        for obj in items:
            self._apply("SYNC", obj)
        self.last_sync_resource_version = rv
        if not self.has_synced:
            self.has_synced = True
            self._synced_event.succeed(rv)

    def _watch(self, rv: str) -> Generator[Any, Any, None]:
        self._stream = yield self.client.watch(
            self.kind,
            namespace=self.namespace,
            resource_version=rv,
            label_selector=self.label_selector,
            field_selector=self.field_selector,
        )
        try:
            while not self._stopped:
                batch = yield self._stream.next()
                for type_, obj in batch:
                    self._apply(type_, obj)
                    self.last_sync_resource_version = obj["metadata"]["resourceVersion"]
        finally:
            self._stream.stop()

    def _apply(self, type_: str, obj: Any) -> None:
        meta = obj["metadata"]
        ns = meta.get("namespace")  # meta_namespace_key, inline: one call per event
        key = f"{ns}/{meta['name']}" if ns else meta["name"]
        if type_ == "DELETED":
            old = self.indexer.remove(key)
            if old is None:
                return
            for _a, _u, on_delete in self._handlers:
                if on_delete is not None:
                    on_delete(obj)
            return
        indexer = self.indexer
        old = indexer._items.get(key)
        if old is not None and old["metadata"].get("resourceVersion") == meta.get(
            "resourceVersion"
        ):
            return  # a relist found nothing new for this object
        indexer._replace(key, obj, old)
        for on_add, on_update, _d in self._handlers:
            if old is None:
                if on_add is not None:
                    on_add(obj)
            elif on_update is not None:
                on_update(old, obj)

    def _resync_loop(self) -> Generator[Any, Any, None]:
        """client-go resync: periodically re-deliver every cached object as an update."""
        while not self._stopped:
            yield self.clock.timeout(self.resync_period_s)
            for obj in self.indexer.list():
                for _a, on_update, _d in self._handlers:
                    if on_update is not None:
                        on_update(obj, obj)


class SharedInformerFactory:
    """One informer per (kind, namespace, selectors), shared by every controller that asks."""

    def __init__(self, client: Client, clock: Clock, *, resync_period_s: float = 0.0):
        self.client = client
        self.clock = clock
        self.resync_period_s = resync_period_s
        self._informers: dict[tuple[str, str, str, str], SharedInformer] = {}

    def informer_for(
        self,
        kind: str,
        *,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        indexers: dict[str, IndexFunc] | None = None,
    ) -> SharedInformer:
        key = (kind, namespace or "", label_selector or "", field_selector or "")
        inf = self._informers.get(key)
        if inf is None:
            inf = SharedInformer(
                self.client,
                self.clock,
                kind,
                namespace=namespace,
                label_selector=label_selector,
                field_selector=field_selector,
                resync_period_s=self.resync_period_s,
                indexers={"namespace": index_by_namespace},
            )
            self._informers[key] = inf
        if indexers:
            inf.add_indexers(indexers)
        return inf

    def start(self) -> None:
        for inf in self._informers.values():
            inf.start()

    def has_synced(self) -> bool:
        return all(inf.has_synced for inf in self._informers.values())

    def informers(self) -> list[SharedInformer]:
        return list(self._informers.values())
