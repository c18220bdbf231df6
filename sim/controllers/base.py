"""The shape every controller shares: informers -> rate-limited work queue -> `sync(key)`.

Models k8s.io/client-go's controller pattern as the kube-controller-manager controllers use it
(pkg/controller/replicaset/replica_set.go `worker`/`processNextWorkItem`/`handleErr`): event
handlers only enqueue keys; `concurrent` workers take keys from one `WorkQueue` (which never
hands the same key to two workers at once) and run the controller's idempotent, level-triggered
`sync(key)` generator. A sync that raises `ApiError` is retried with the queue's rate limiter up
to `MAX_RETRIES` times (upstream's maxRetries = 15), then dropped until the next event. Workers
start only once every informer the controller registered has synced (WaitForCacheSync).

Every decision a controller makes goes to the trace as `(controller name, verb, ref, rv, detail)`.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sim.api.errors import ApiError
from sim.client.events import EventRecorder
from sim.client.informer import SharedInformer, meta_namespace_key
from sim.client.workqueue import SHUTDOWN, WorkQueue

if TYPE_CHECKING:
    from sim.client.runtime import Runtime

MAX_RETRIES = 15  # pkg/controller/replicaset/replica_set.go maxRetries


class SyncError(Exception):
    """A sync that found an inconsistent state and must be retried (upstream returns an error)."""

    code = 0
    reason = "SyncError"

    @property
    def message(self) -> str:
        return str(self)


class Controller:
    """A controller loop: subclasses register informers in `__init__` and implement `sync`."""

    #: the trace component and Event source, upstream's controller name
    name = "controller"
    #: resource prefix used in trace references, e.g. "replicasets.apps"
    resource = ""

    def __init__(self, runtime: Runtime, workers: int = 1, *, user: str | None = None):
        self.runtime = runtime
        self.clock = runtime.clock
        self.trace = runtime.trace
        self.client = runtime.client(user or f"system:serviceaccount:kube-system:{self.name}")
        self.recorder = EventRecorder(self.client, self.clock, self.name)
        self.queue: WorkQueue[str] = WorkQueue(self.clock, self.name)
        self.workers = max(1, int(workers))
        self.informers: list[SharedInformer] = []
        self.syncs = 0
        self.errors = 0

    # -- wiring ------------------------------------------------------------------------------
    def informer(self, kind: str, **kwargs: Any) -> SharedInformer:
        inf = self.runtime.informers.informer_for(kind, **kwargs)
        if inf not in self.informers:
            self.informers.append(inf)
        return inf

    def start(self) -> None:
        for inf in self.informers:
            inf.start()
        for _ in range(self.workers):
            self.clock.process(self._worker())

    def enqueue(self, obj: Any) -> None:
        self.queue.add(meta_namespace_key(obj))

    def enqueue_after(self, obj: Any, delay_s: float) -> None:
        self.queue.add_after(meta_namespace_key(obj), delay_s)

    def has_synced(self) -> bool:
        return all(inf.has_synced for inf in self.informers)

    # -- running -----------------------------------------------------------------------------
    def _worker(self) -> Generator[Any, Any, None]:
        for inf in self.informers:
            if not inf.has_synced:
                yield inf.wait_for_sync()
        while True:
            key = yield self.queue.get()
            if key is SHUTDOWN:
                return
            try:
                self.syncs += 1
                yield from self.sync(key)
            except (ApiError, SyncError) as e:
                self.errors += 1
                self.record("sync-error", key, f"{e.code} {e.reason}: {e.message}"[:200])
                if self.queue.num_requeues(key) < MAX_RETRIES:
                    self.queue.add_rate_limited(key)
                else:
                    self.queue.forget(key)
            else:
                self.queue.forget(key)
            finally:
                self.queue.done(key)

    def sync(self, key: str) -> Generator[Any, Any, None]:
        """Reconcile the object with this key; idempotent; raises ApiError to be retried."""
        raise NotImplementedError
        yield  # pragma: no cover

    # -- observability -----------------------------------------------------------------------
    def record(self, verb: str, key: str, detail: str = "", rv: str = "") -> None:
        ref = f"{self.resource}/{key}" if self.resource else key
        self.trace.record(self.name, verb, ref, rv, detail)
