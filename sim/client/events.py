"""The event recorder: Kubernetes Events, spam-filtered, aggregated and deduplicated.

Follows client-go tools/record (event.go, events_cache.go): per (source, involved object) a
token bucket (burst 25, one token per 300 s) drops event storms; more than 10 distinct messages
for the same (source, object, type, reason) within 600 s are folded into one event whose message
starts "(combined from similar events): "; an event identical to one already written bumps that
Event's `count` and `lastTimestamp` (a patch) instead of creating another. Writes go through the
client in the background (a callback on the request, no process of their own): a failed write
is counted, never raised into the caller.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from sim.api.errors import ApiError
from sim.api.frozen import FrozenDict, Owned
from sim.client.interface import Client
from sim.core import Clock
from sim.core.events import is_ok, on_done, value_of

SPAM_BURST = 25
SPAM_QPS = 1.0 / 300.0
MAX_SIMILAR_EVENTS = 10
AGGREGATE_INTERVAL_S = 600.0
COMBINED_PREFIX = "(combined from similar events): "
MAX_CACHE_ENTRIES = 4096  # upstream maxLruCacheEntries
SPAM_BURST_F = float(SPAM_BURST)


def object_reference(obj: Any) -> dict[str, Any]:
    meta = obj["metadata"]
    ref = {
        "kind": obj.get("kind", ""),
        "name": meta["name"],
        "uid": meta.get("uid", ""),
        "apiVersion": obj.get("apiVersion", ""),
        "resourceVersion": meta.get("resourceVersion", ""),
    }
    if meta.get("namespace"):
        ref["namespace"] = meta["namespace"]
    return ref


class _Bounded(OrderedDict):  # type: ignore[type-arg]
    """An insertion-ordered dict that forgets its oldest entries beyond a bound (an LRU-ish
    cache). An OrderedDict: a plain dict's first entry is found by skipping every deleted
    one before it, which grows costly once the bound is reached."""

    def refresh(self, key: Any, value: Any) -> None:
        """Store `value` as the newest entry of `key`, a key already in the cache."""
        self[key] = value
        self.move_to_end(key)

    def add(self, key: Any, value: Any) -> None:
        """Store `value` under `key`, a key not in the cache (it is the newest already)."""
        self[key] = value
        if len(self) > MAX_CACHE_ENTRIES:
            self.popitem(last=False)


class EventRecorder:
    """Records Events for one component (`source.component`) on one host."""

    def __init__(self, client: Client, clock: Clock, component: str, host: str = ""):
        self.client = client
        self.clock = clock
        self.component = component
        self.host = host
        self._spam: _Bounded = _Bounded()  # object key -> token bucket [tokens, last_s]
        self._similar: _Bounded = _Bounded()  # aggregate key -> (messages, last seen)
        self._seen: _Bounded = _Bounded()  # full key -> (event name, namespace, count, first ts)
        self._source = FrozenDict(
            {"component": component, "host": host} if host else {"component": component}
        )
        self._seq = 0
        self.dropped = 0
        self.failed = 0
        self.written = 0

    def event(self, obj: Any, type_: str, reason: str, message: str) -> None:
        """Record an Event about `obj` (type Normal or Warning).

        The caches are this recorder's own, so their keys leave out its source (upstream keys
        them by source too): the spam filter's by the object (kind, namespace, name, uid), the
        aggregator's by that plus (apiVersion, type, reason), the dedup cache's by (aggregate
        key, message), or by the aggregate key alone for a combined message."""
        now = self.clock.now
        ref = FrozenDict(object_reference(obj))  # read-only: the server stores it as it is
        kind = ref["kind"]
        name = ref["name"]
        uid = ref["uid"]
        namespace = ref.get("namespace", "")
        spam_key = (kind, namespace, name, uid)
        spam = self._spam
        # The spam filter's token bucket of the object, [tokens, last_s]: tokens = min(burst,
        # tokens + elapsed * qps), then one is spent if at least one is there (else the event
        # is dropped). A new bucket is full and spends its first token at once.
        bucket = spam.get(spam_key)
        if bucket is None:
            spam.add(spam_key, [SPAM_BURST_F - 1.0, now])
        else:
            spam.move_to_end(spam_key)
            tokens = bucket[0] + (now - bucket[1]) * SPAM_QPS
            if tokens > SPAM_BURST_F:
                tokens = SPAM_BURST_F
            bucket[1] = now
            if tokens < 1.0:
                bucket[0] = tokens
                self.dropped += 1
                return
            bucket[0] = tokens - 1.0
        agg_key = (kind, namespace, name, uid, ref["apiVersion"], type_, reason)
        message, full_key = self._aggregate(agg_key, message, now)
        seen_cache = self._seen
        seen = seen_cache.get(full_key)
        ts = self.clock.timestamp()
        if seen is not None:
            self._bump(full_key, seen, message, ts)
            return
        self._seq += 1
        ev_name = f"{name}.{int(now * 1e9) + self._seq:x}"
        ev_namespace = namespace or "default"
        seen_cache.add(full_key, (ev_name, ev_namespace, 1, ts))
        ev = Owned(  # built for this request alone: the server need not copy it
            apiVersion="v1",
            kind="Event",
            metadata={"name": ev_name, "namespace": ev_namespace},
            involvedObject=ref,
            reason=reason,
            message=message,
            source=self._source,
            firstTimestamp=ts,
            lastTimestamp=ts,
            count=1,
            type=type_,
            eventTime=None,
            reportingComponent=self.component,
            reportingInstance=self.host,
        )
        self._watch(self.client.create("events", ev, namespace=ev_namespace))

    def _bump(self, full_key: tuple[Any, ...], seen: Any, message: str, ts: str) -> None:
        """The same event again: count it on the Event already written (a patch)."""
        name, namespace, count, first = seen
        self._seen.refresh(full_key, (name, namespace, count + 1, first))
        patch = {"count": count + 1, "lastTimestamp": ts, "message": message}
        self._watch(
            self.client.patch(
                "events", name, patch, "application/merge-patch+json", namespace=namespace
            )
        )

    def eventf(self, obj: Any, type_: str, reason: str, fmt: str, *args: Any) -> None:
        self.event(obj, type_, reason, fmt % args if args else fmt)

    def _aggregate(
        self, key: tuple[Any, ...], message: str, now: float
    ) -> tuple[str, tuple[Any, ...]]:
        """EventAggregate: (the message to record, the key that deduplicates it)."""
        similar = self._similar
        entry: tuple[dict[str, None], float] | None = similar.get(key)
        if entry is None:
            messages: dict[str, None] = {}
            similar.add(key, (messages, now))
        else:
            messages = {} if now - entry[1] > AGGREGATE_INTERVAL_S else entry[0]
            similar.refresh(key, (messages, now))
        messages[message] = None
        if len(messages) < MAX_SIMILAR_EVENTS:
            return message, (key, message)
        # upstream pops an arbitrary local key to stop the set growing; we pop the oldest
        del messages[next(iter(messages))]
        return COMBINED_PREFIX + message, key

    def _watch(self, request: Any) -> None:
        """Count the request's outcome when it completes; a failure is absorbed."""
        if request.processed:
            self._done(request)
        else:
            on_done(request, self._done)

    def _done(self, request: Any) -> None:
        if is_ok(request):
            self.written += 1
            return
        request.defused = True
        error = value_of(request)
        if not isinstance(error, ApiError):
            raise error
        self.failed += 1
