"""The plugin contract: extension points, cycle state, and the registry of plugins by name.

Follows pkg/scheduler/framework/interface.go. A plugin is a class with a `name` and any of
these methods; the framework calls the ones it has, at the extension points the profile
enables it for (see config.EXTENSION_POINTS):

- `pre_enqueue(pod) -> Status | None`: may the pod enter the active queue? Called on every
  add and update; must be cheap and idempotent.
- `less(a, b) -> bool`: QueueSort; `a` and `b` are QueuedPodInfo. One per profile set.
- `pre_filter(state, pod, snapshot) -> (node_names | None, Status | None)`: once per cycle;
  may narrow the candidate nodes, reject the pod, or return SKIP to skip its Filter.
- `filter(state, pod, node_info) -> Status | None`: per node; must not change anything.
  In-tree plugins implement the vectorised `filter_nodes(state, pod, snapshot, slots)`
  returning a `NodeVerdicts` over the slots instead.
- `post_filter(state, pod, diagnosis) -> (nominated_node | None, Status)`: when no node fits.
- `pre_score(state, pod, snapshot, slots) -> Status | None` (SKIP skips Score).
- `score(state, pod, node_info) -> int` per node, or the vectorised `score_nodes(...)`;
  `normalize_score(state, pod, scores)` rescales the int64 array in place to 0..100.
- `reserve(state, pod, node_name) -> Status | None` / `unreserve(state, pod, node_name)`.
- `permit(state, pod, node_name) -> Status | None`: reject, or allow (Wait is not modelled).
- `pre_bind`, `post_bind(state, pod, node_name)`; `bind(state, pod, node_name)` is a SimPy
  generator that performs the binding (DefaultBinder posts pods/binding) and may return SKIP.

Plugin state for one cycle lives in the `CycleState`, never on `self`. Plugins are built with
`Plugin(args, handle)`; `args` is the profile's pluginConfig entry (defaults applied by the
plugin), `handle` gives the snapshot, the client and the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np

from sim.scheduler.status import Status

MAX_NODE_SCORE = 100
MIN_NODE_SCORE = 0


class NodeVerdicts(NamedTuple):
    """A filter's verdict per slot: codes (0 ok, 1 Unschedulable, 2 Unresolvable), and for the
    rejected ones an index into `table`, the reasons upstream would give."""

    codes: np.ndarray
    reason_ids: np.ndarray
    table: list[tuple[str, ...]]


def passing(n: int) -> NodeVerdicts:
    return NodeVerdicts(np.zeros(n, np.int8), np.zeros(n, np.int32), [()])


def verdicts(codes: np.ndarray, reason: tuple[str, ...]) -> NodeVerdicts:
    """All rejected slots give the same reasons."""
    return NodeVerdicts(codes.astype(np.int8, copy=False), np.zeros(len(codes), np.int32), [reason])


class CycleState:
    """framework.CycleState: per-cycle data written by one extension point, read by the next."""

    __slots__ = ("data", "skip_filter", "skip_score", "nominated")

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.skip_filter: set[str] = set()
        self.skip_score: set[str] = set()
        self.nominated: Any = None  # extra requests per slot from nominated pods, or None

    def write(self, key: str, value: Any) -> None:
        self.data[key] = value

    def read(self, key: str) -> Any:
        return self.data.get(key)


class Plugin:
    """Optional base class: stores args and handle. Subclasses set `name`."""

    name = ""
    # True for plugins whose normalized scores are always within 0..100 by construction
    # (the in-tree ones): the framework skips checking them
    scores_in_range = False
    # True when the plugin's Filter verdict and raw Score for a node depend only on the pod's
    # shape (and spec.nodeName) and that node's own state: the framework may then keep them
    # per shape and recompute only changed nodes (incremental.py). An optional
    # `node_local_stamp(pod, snapshot)` names global inputs whose change redoes every node.
    node_local = False
    # For a node_local plugin: False when its verdict and score read the node alone, not the
    # pods on it, so that a bind (which changes only pods) need not run it again there
    reads_pods_on_node = True
    # True when the Filter reads the requests of nominated pods (CycleState.nominated)
    reads_nominated = False

    def __init__(self, args: dict[str, Any] | None = None, handle: Any = None):
        self.args = dict(args or {})
        self.handle = handle

    def events_to_register(self) -> tuple[str, ...]:
        """Cluster events that may make a pod this plugin rejected schedulable
        (EnqueueExtensions): "Node/Add", "Node/Update", "Pod/Delete", "Pod/Add", "Pod/Update"."""
        return ("Node/Add", "Node/Update", "Pod/Delete", "Pod/Add", "Pod/Update")


PluginFactory = Callable[[dict[str, Any], Any], Any]
# The default registry: the in-tree plugins (registered when sim.scheduler.plugins is imported)
# and whatever `register_plugin` adds. A scheduler can instead be given its own out-of-tree
# registry (`Scheduler(..., registry={...})`, upstream's WithFrameworkOutOfTreeRegistry),
# which leaves this one alone; `scoped_registry()` undoes registrations made inside a block.
REGISTRY: dict[str, PluginFactory] = {}


def register_plugin(name: str, factory: PluginFactory | None = None) -> Any:
    """Register a plugin class (or factory `(args, handle) -> plugin`) by name in the default
    registry; usable as a decorator: `@register_plugin("GPUOnly")`. Out-of-tree registrations
    may replace in-tree ones, as a custom scheduler binary does."""

    def add(f: PluginFactory) -> PluginFactory:
        REGISTRY[name] = named(name, f)
        return f

    return add(factory) if factory is not None else add


def named(name: str, factory: PluginFactory) -> PluginFactory:
    """`factory`, a plugin class without a `name` of its own getting `name`."""
    if isinstance(factory, type) and not getattr(factory, "name", ""):
        factory.name = name  # type: ignore[attr-defined]
    return factory


def registry_with(out_of_tree: Mapping[str, PluginFactory] | None) -> dict[str, PluginFactory]:
    """The default registry with `out_of_tree` plugins added (replacing same-named ones), for
    one scheduler: registry.Merge in cmd/kube-scheduler/app/server.go."""
    merged = dict(REGISTRY)
    for name, factory in (out_of_tree or {}).items():
        merged[name] = named(name, factory)
    return merged


@contextmanager
def scoped_registry() -> Iterator[dict[str, PluginFactory]]:
    """A block whose `register_plugin` calls are undone when it exits (for tests and examples
    that register a plugin in the default registry)."""
    saved = dict(REGISTRY)
    try:
        yield REGISTRY
    finally:
        REGISTRY.clear()
        REGISTRY.update(saved)


def implements(plugin: Any, methods: tuple[str, ...]) -> bool:
    return any(callable(getattr(plugin, m, None)) for m in methods)


def status_of(value: Any) -> Status | None:
    if value is None or isinstance(value, Status):
        return value
    raise TypeError(f"a plugin returned {value!r}, expected a Status or None")
