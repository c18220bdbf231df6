"""The physical network: a networkx graph of hosts and switches, link latency, cuts and partitions.

Vertices are hosts (`control-plane`, `external`, one per Node) and switches (`core`, one per zone
and per rack). Every link is undirected in the graph and carries `latency_s` (one way); a cut is
directed, so a link can lose one direction only (an asymmetric cut). Partitions are host
firewall rules on top of the links: a partition of groups drops every packet between hosts of
different groups (or only from the first group to the second when `oneWay`), whatever the path,
as chaos tools that program iptables do. A group names hosts, racks, zones, or `*` (every host
in no other group).

Where a node sits: `spec.cluster.network.topology.nodes.<name>` (`{rack: r}` or `{zone: z}`),
else its `kubesim.io/rack` label, else its `topology.kubernetes.io/zone` label, else the core
switch. Nodes join and leave as Node objects are created and deleted.

Queries: `can_reach(a, b)` (do a's packets arrive at b), `can_connect(a, b)` (both ways: what a
TCP connection, a watch or a heartbeat needs), `latency_s(a, b)` (one way along the fastest
surviving path, inf when unreachable). Results are cached per source until the topology
changes; `version` counts changes and `add_listener(fn)` is told of each.

This is a kubesim model; upstream Kubernetes has no network topology. Errors name the node, rack,
zone or link that does not exist (`TopologyError`, an ApiError 404 so the scenario timeline
records it).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx

from sim.api.errors import ApiError, status_dict
from sim.core import ConfigError, parse_duration

CONTROL_PLANE = "control-plane"
EXTERNAL = "external"
CORE = "core"
ZONE_LABEL = "topology.kubernetes.io/zone"
RACK_LABEL = "kubesim.io/rack"
DEFAULT_NODE_LINK_S = 0.0001  # 100 us: a top-of-rack hop
DEFAULT_RACK_LINK_S = 0.0002
DEFAULT_ZONE_LINK_S = 0.001  # 1 ms between zones of one region
DEFAULT_CONTROL_PLANE_LINK_S = 0.0005


class TopologyError(ApiError):
    """A network action named something the topology does not have."""

    def __init__(self, message: str):
        super().__init__(status_dict(404, "NotFound", message))


@dataclass(frozen=True)
class Partition:
    name: str
    groups: tuple[tuple[str, ...], ...]
    one_way: bool = False


class Topology:
    """See the module docstring."""

    def __init__(self, trace: Any = None):
        self.graph: nx.Graph = nx.Graph()
        self.kinds: dict[str, str] = {}  # vertex -> host | node | switch
        self.zone_of: dict[str, str] = {}  # rack or host -> zone
        self.rack_of: dict[str, str] = {}  # host -> rack
        self.placement: dict[str, dict[str, str]] = {}  # configured node placement
        self.node_link_s = DEFAULT_NODE_LINK_S
        self.version = 0
        self._trace = trace
        self._cut: set[tuple[str, str]] = set()
        self._partitions: dict[str, Partition] = {}
        self._dist: dict[tuple[str, bool], dict[str, float]] = {}
        self._listeners: list[Callable[[], None]] = []
        self._add_vertex(CORE, "switch")
        self._add_vertex(CONTROL_PLANE, "host")
        self._add_vertex(EXTERNAL, "host")
        self.graph.add_edge(CONTROL_PLANE, CORE, latency_s=DEFAULT_CONTROL_PLANE_LINK_S)
        self.graph.add_edge(EXTERNAL, CORE, latency_s=DEFAULT_ZONE_LINK_S)

    # -- building ----------------------------------------------------------------------------
    def _add_vertex(self, name: str, kind: str) -> None:
        self.graph.add_node(name)
        self.kinds[name] = kind

    def add_zone(self, name: str, latency_s: float = DEFAULT_ZONE_LINK_S) -> None:
        if name not in self.kinds:
            self._add_vertex(name, "switch")
            self.graph.add_edge(name, CORE, latency_s=latency_s)
            self.zone_of[name] = name
            self._changed("add-zone", name)

    def add_rack(
        self, name: str, zone: str | None = None, latency_s: float = DEFAULT_RACK_LINK_S
    ) -> None:
        if name in self.kinds:
            return
        self._add_vertex(name, "switch")
        if zone:
            self.add_zone(zone)
            self.zone_of[name] = zone
        self.graph.add_edge(name, zone or CORE, latency_s=latency_s)
        self._changed("add-rack", name)

    def add_link(self, a: str, b: str, latency_s: float) -> None:
        self._require(a)
        self._require(b)
        self.graph.add_edge(a, b, latency_s=latency_s)
        self._changed("add-link", f"{a}<->{b}", f"{latency_s:g}s")

    def attach_control_plane(self, zone: str | None = None, rack: str | None = None) -> None:
        self.graph.remove_edge(CONTROL_PLANE, CORE)
        parent = rack or zone or CORE
        self._require(parent)
        self.graph.add_edge(CONTROL_PLANE, parent, latency_s=DEFAULT_CONTROL_PLANE_LINK_S)
        if zone or rack:
            self.zone_of[CONTROL_PLANE] = zone or self.zone_of.get(parent, "")
        self._changed("attach", CONTROL_PLANE, parent)

    def add_node(self, name: str, labels: Mapping[str, str] | None = None) -> None:
        """A Node joins: linked to its rack, zone or the core switch (module docstring)."""
        if name in self.kinds:
            return
        labels = labels or {}
        place = self.placement.get(name, {})
        rack = place.get("rack") or labels.get(RACK_LABEL)
        zone = place.get("zone") or labels.get(ZONE_LABEL)
        self._add_vertex(name, "node")
        if rack:
            self.add_rack(rack, zone)
            self.rack_of[name] = rack
            parent = rack
            zone = self.zone_of.get(rack, zone)
        elif zone:
            self.add_zone(zone)
            parent = zone
        else:
            parent = CORE
        if zone:
            self.zone_of[name] = zone
        self.graph.add_edge(name, parent, latency_s=self.node_link_s)
        self._changed("add-node", name, parent)

    def remove_node(self, name: str) -> None:
        if self.kinds.get(name) != "node":
            return
        self.graph.remove_node(name)
        del self.kinds[name]
        self.zone_of.pop(name, None)
        self.rack_of.pop(name, None)
        self._cut = {e for e in self._cut if name not in e}
        self._changed("remove-node", name)

    def add_listener(self, fn: Callable[[], None]) -> None:
        self._listeners.append(fn)

    def _changed(self, verb: str, ref: str, detail: str = "") -> None:
        self.version += 1
        self._dist.clear()
        if self._trace is not None:
            self._trace.record("network", verb, ref, "", detail)
        for fn in self._listeners:
            fn()

    # -- lookups -----------------------------------------------------------------------------
    def _require(self, name: str) -> None:
        if name not in self.kinds:
            raise TopologyError(f'node "{name}" not found in the network topology')

    def hosts(self) -> list[str]:
        return sorted(v for v, k in self.kinds.items() if k in ("host", "node"))

    def nodes(self) -> list[str]:
        return sorted(v for v, k in self.kinds.items() if k == "node")

    def has(self, name: str) -> bool:
        return name in self.kinds

    @property
    def is_whole(self) -> bool:
        """No cut and no partition: every host reaches every other (nodes joining stay O(1))."""
        return not self._cut and not self._partitions

    # -- cuts and partitions -----------------------------------------------------------------
    def _link(self, a: str, b: str) -> None:
        self._require(a)
        self._require(b)
        if not self.graph.has_edge(a, b):
            raise TopologyError(f'link "{a}<->{b}" not found in the network topology')

    def cut_link(self, a: str, b: str, *, one_way: bool = False) -> None:
        """Cut a link both ways, or only a -> b when `one_way`."""
        self._link(a, b)
        self._cut.add((a, b))
        if not one_way:
            self._cut.add((b, a))
        self._changed("cut", f"{a}->{b}" if one_way else f"{a}<->{b}")

    def heal_link(self, a: str, b: str) -> None:
        """Restore both directions of a link."""
        self._link(a, b)
        self._cut.discard((a, b))
        self._cut.discard((b, a))
        self._changed("heal", f"{a}<->{b}")

    def cut_links(self) -> list[tuple[str, str]]:
        return sorted(self._cut)

    def partition(
        self, name: str, groups: Iterable[Iterable[str]], *, one_way: bool = False
    ) -> None:
        """Drop traffic between the groups (module docstring); replaces a partition of that name."""
        gs = tuple(tuple(str(m) for m in g) for g in groups)
        if len(gs) < 2 or any(not g for g in gs):
            raise ValueError("a partition needs at least two non-empty groups")
        for g in gs:
            for m in g:
                if m != "*":
                    self._require(m)
        self._partitions[name] = Partition(name, gs, one_way)
        self._changed("partition", name, " | ".join(",".join(g) for g in gs))

    def isolate(self, node: str, *, peer: str = CONTROL_PLANE, one_way: bool = False) -> str:
        """Cut `node` off from `peer` (the control plane by default); returns the partition name."""
        name = f"isolate/{node}/{peer}"
        self.partition(name, [[node], [peer]], one_way=one_way)
        return name

    def heal(self, name: str | None = None) -> None:
        """Remove one partition, or every partition and cut when `name` is None."""
        if name is None:
            self._partitions.clear()
            self._cut.clear()
            self._changed("heal", "all")
            return
        if name not in self._partitions:
            raise TopologyError(f'partition "{name}" not found in the network topology')
        del self._partitions[name]
        self._changed("heal", name)

    def partitions(self) -> list[Partition]:
        return [self._partitions[k] for k in sorted(self._partitions)]

    def _group_index(self, p: Partition, host: str) -> int | None:
        names = (host, self.rack_of.get(host, ""), self.zone_of.get(host, ""))
        star = None
        for i, g in enumerate(p.groups):
            if any(n and n in g for n in names):
                return i
            if "*" in g:
                star = i
        return star

    def _blocked(self, a: str, b: str) -> bool:
        for p in self._partitions.values():
            ga, gb = self._group_index(p, a), self._group_index(p, b)
            if ga is None or gb is None or ga == gb:
                continue
            if not p.one_way or (ga == 0 and gb == 1):
                return True
        return False

    # -- reachability ------------------------------------------------------------------------
    def _distances(self, source: str, reverse: bool = False) -> dict[str, float]:
        """One-way latency from `source` (to it, when `reverse`) over uncut link directions."""
        key = (source, reverse)
        d = self._dist.get(key)
        if d is None:
            cut = self._cut

            def weight(u: str, v: str, data: Mapping[str, Any]) -> float | None:
                edge = (v, u) if reverse else (u, v)
                return None if edge in cut else float(data["latency_s"])

            d = self._dist[key] = nx.single_source_dijkstra_path_length(
                self.graph, source, weight=weight
            )
        return d

    def can_reach(self, a: str, b: str) -> bool:
        """Do packets from host a arrive at host b? Unknown hosts reach nothing."""
        if a not in self.kinds or b not in self.kinds:
            return False
        if a == b or self.is_whole:  # every vertex joins linked to the graph: all connected
            return True
        return not self._blocked(a, b) and b in self._distances(a)

    def can_connect(self, a: str, b: str) -> bool:
        """Both ways: what a TCP connection (a request, a watch, a heartbeat) needs."""
        return self.can_reach(a, b) and self.can_reach(b, a)

    def latency_s(self, a: str, b: str) -> float:
        """One-way latency from a to b along the fastest surviving path; inf if unreachable."""
        if not self.can_reach(a, b):
            return math.inf
        return 0.0 if a == b else self._distances(a)[b]

    def connected_to(self, peer: str) -> set[str]:
        """Every node that can connect (both ways) to `peer`: one pass each way, not per node."""
        if peer not in self.kinds:
            return set()
        out = self._distances(peer)
        back = self._distances(peer, reverse=True)
        return {
            n
            for n in self.nodes()
            if n in out and n in back and not self._blocked(n, peer) and not self._blocked(peer, n)
        }


def parse_latency(value: Any, path: str) -> float:
    """A duration field of the scenario section, or ConfigError naming it."""
    try:
        return parse_duration(value)
    except ValueError as e:
        raise ConfigError(f"{path}: {e}") from None
