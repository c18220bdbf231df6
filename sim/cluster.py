"""The composition root: builds a whole cluster from arguments or a scenario.

This is the one place that knows every component: the clock, the store, the API server with
its admission chain and compactor, then, each on unless switched off, the controller manager,
a kubelet per pool node (on a node backend: simulated hosts by default), the network (topology,
kube-proxy, traffic; its service IPAM goes into the API server) and the scheduler, and the
scenario timeline. `Cluster(...)`, `kubesim run` and `kubesim serve` all run this same cluster.

Components never see this class: each gets the `Runtime` port (`cluster.runtime`: clock,
streams, trace, `client(user)`, informers) and the narrow peer ports it needs, wired here
(sim/client/runtime.py; docs/architecture.md draws them).

The Python API works on Kubernetes JSON: `apply` takes dicts, lists of dicts or multi-document
YAML; every method returns plain (mutable, private) dicts; errors raise `sim.ApiError` whose
`.status` is the Kubernetes Status dict.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import yaml

import sim.api.builtin  # noqa: F401  (registers the built-in kinds)
from sim.api.errors import ApiError, bad_request
from sim.api.frozen import thaw
from sim.api.kinds import REGISTRY, Kind
from sim.apiserver.committed import CommittedView
from sim.apiserver.front import InProcessClient, Latency
from sim.apiserver.patch import merge_key_for
from sim.apiserver.server import ApiServer
from sim.client.apply import apply_patch, with_last_applied
from sim.client.runtime import ComponentRuntime
from sim.core import DEFAULT_EPOCH, Clock, RandomStreams, TraceRecorder
from sim.core.gcpolicy import tune_gc_for_simulation
from sim.scenario.model import NodePool, Scenario, TimelineAction
from sim.store import MemoryStore

if TYPE_CHECKING:
    from runtime_adapters.cri import NodeBackend

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
# upstream kube-apiserver --etcd-compaction-interval default
COMPACTION_INTERVAL_S = 300.0
KUBELET_VERSION = "v1.32.0"


def _documents(manifest: Any) -> list[dict[str, Any]]:
    if isinstance(manifest, str):
        try:
            docs = list(yaml.safe_load_all(manifest))
        except yaml.YAMLError as e:
            raise bad_request(f"error parsing YAML: {e}") from None
    elif isinstance(manifest, Mapping):
        docs = [manifest]
    elif isinstance(manifest, Iterable):
        docs = list(manifest)
    else:
        raise bad_request(f"cannot apply a {type(manifest).__name__}")
    out: list[dict[str, Any]] = []
    for doc in docs:
        if doc is None:
            continue
        if not isinstance(doc, Mapping):
            raise bad_request(f"a manifest must be an object, got {type(doc).__name__}")
        if doc.get("kind") == "List" and isinstance(doc.get("items"), list):
            out.extend(_documents(doc["items"]))
        else:
            out.append(dict(doc))
    return out


def _section(value: Mapping[str, Any] | bool | None) -> dict[str, Any] | None:
    """A component's configuration: None (defaults) for None or True, else a private dict."""
    if value is None or value is True or value is False:
        return None
    return dict(value)


class Cluster:
    """A simulated Kubernetes cluster. See the module docstring."""

    def __init__(
        self,
        seed: int = 0,
        *,
        node_pools: Iterable[NodePool] = (),
        realtime: bool = False,
        speed: float = 1.0,
        latency: Latency | None = None,
        keep_trace: bool = True,
        trace_sink: IO[bytes] | None = None,
        compaction_interval_s: float = COMPACTION_INTERVAL_S,
        tune_gc: bool = False,
        epoch: str = DEFAULT_EPOCH,
        controller_manager: Mapping[str, Any] | bool | None = None,
        scheduler: Mapping[str, Any] | bool | None = None,
        scheduler_base_dir: str | Path | None = None,
        kubelet: Mapping[str, Any] | bool | None = None,
        images: Any = None,
        network: Mapping[str, Any] | bool | None = None,
        node_backend: NodeBackend | None = None,
    ):
        if tune_gc:
            tune_gc_for_simulation()
        self.seed = int(seed)
        self.clock = Clock(realtime=realtime, speed=speed, epoch=epoch)
        self.streams = RandomStreams(self.seed)
        self.trace = TraceRecorder(self.clock, keep=keep_trace, sink=trace_sink)
        self.store = MemoryStore()
        self.api = ApiServer(self.clock, self.store, self.streams, self.trace)
        self.latency = latency or Latency()
        self.runtime = ComponentRuntime(
            self.clock, self.streams, self.trace, self.client, seed=self.seed
        )
        self.informers = self.runtime.informers
        self.timeline_errors: list[str] = []
        self.scenario: Scenario | None = None
        self._bootstrap()
        # Components in upstream's start-up order; each is on unless passed False, and takes
        # its scenario section (a dict) as configuration.
        self.controllers: Any = None
        self.kubelets: Any = None
        self.network: Any = None
        self.scheduler: Any = None
        if controller_manager is not False:
            from sim.controllers import install as install_controllers

            self.controllers = install_controllers(self.runtime, _section(controller_manager))
        if kubelet is not False:
            self.kubelets = self.install_kubelets(_section(kubelet), images, node_backend)
        for pool in node_pools:
            self.add_node_pool(pool)
        if network is not False:
            self.network = self.install_network(_section(network))
        if scheduler is not False:
            from sim.scheduler import install as install_scheduler

            self.scheduler = install_scheduler(
                self.runtime, _section(scheduler), base_dir=scheduler_base_dir
            )
        if compaction_interval_s > 0:
            self.clock.process(self._compactor(compaction_interval_s))

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def from_scenario(
        cls, path: str | Path | Scenario, *, seed: int | None = None, **kwargs: Any
    ) -> Cluster:
        from sim.scenario.loader import load_scenario

        scenario = path if isinstance(path, Scenario) else load_scenario(path)
        kwargs.setdefault("controller_manager", scenario.components.get("controllerManager"))
        kwargs.setdefault("scheduler", scenario.components.get("scheduler"))
        kwargs.setdefault("kubelet", scenario.components.get("kubelet"))
        kwargs.setdefault("images", scenario.components.get("images"))
        kwargs.setdefault("network", scenario.components.get("network"))
        if scenario.source:
            kwargs.setdefault("scheduler_base_dir", Path(scenario.source).parent)
        c = cls(
            seed=scenario.seed if seed is None else seed,
            node_pools=scenario.node_pools,
            latency=Latency.from_dict(scenario.latency) if scenario.latency else None,
            **kwargs,
        )
        c.scenario = scenario
        for doc in scenario.manifests:
            c.apply(doc)
        for action in scenario.timeline:
            c.clock.process(c._timeline(action))
        return c

    def install_kubelets(
        self,
        config: dict[str, Any] | None = None,
        images: Any = None,
        backend: NodeBackend | None = None,
    ) -> Any:
        """The kubelets (a KubeletFleet), on `backend` or on simulated hosts configured by the
        scenario's kubelet section (its backend fields) and image catalog. `Cluster(...)` calls
        this unless `kubelet=False`; a test that built the cluster without may call it later."""
        from runtime_adapters.simulated import BACKEND_FIELDS, SimulatedBackend
        from sim.kubelet import install

        def backend_for(section: dict[str, Any]) -> NodeBackend:
            if backend is not None:
                return backend
            return SimulatedBackend.from_section(self.clock, self.streams, section, images)

        fleet = install(self.runtime, config, backend_for, BACKEND_FIELDS)
        self.kubelets = fleet
        if self.network is not None:
            fleet.connect_network(self.network.topology)
            self.network.connect_hosts(fleet)
        return fleet

    def install_network(self, config: Mapping[str, Any] | None = None) -> Any:
        """The network model; its ClusterIP/NodePort allocator and the `kubernetes` Service go
        into the API server, as upstream's run inside kube-apiserver. `Cluster(...)` calls this
        unless `network=False`; a test that built the cluster without may call it later."""
        from sim.network import install as install_network

        net = install_network(
            self.runtime, config, state=CommittedView(self.api), hosts=self.kubelets
        )
        api = self.api
        net.ipam.restore(api.list("services")["items"])
        api.admission.append(net.ipam)
        api.observe(net.ipam.observe)
        net.start()
        for obj in net.kubernetes_service():
            kind = self._kind_of(obj)
            try:
                api.get(kind, "kubernetes", namespace="default")
            except ApiError:
                api.create(kind, obj, user="system:apiserver")
        net.start_traffic()
        self.network = net
        if self.kubelets is not None:
            self.kubelets.connect_network(net.topology)
        return net

    def _bootstrap(self) -> None:
        """What kube-apiserver creates at start: system namespaces and priority classes."""
        for ns in SYSTEM_NAMESPACES:
            self.api.create("namespaces", {"metadata": {"name": ns}}, user="system:apiserver")
        from sim.apiserver.admission import SYSTEM_PRIORITY_CLASSES

        for name, value in SYSTEM_PRIORITY_CLASSES.items():
            pc = {
                "apiVersion": "scheduling.k8s.io/v1",
                "kind": "PriorityClass",
                "metadata": {"name": name},
                "value": value,
                "description": "Used for system critical pods that must run in the cluster, "
                "but can be moved to another node if necessary."
                if name == "system-cluster-critical"
                else "Used for system critical pods that must not be moved from their current node.",
            }
            self.api.create("priorityclasses", pc, user="system:apiserver")

    def add_node_pool(self, pool: NodePool, backend: NodeBackend | None = None) -> list[str]:
        """Start the pool's nodes; returns their names.

        With kubelets (the default) each node is a host of `backend` (by default the cluster's:
        simulated hosts) and a kubelet, which registers its Node a few milliseconds later (run
        the clock to see it). Without kubelets (`kubelet=False`) the Node objects are written at
        once, as static, never-heartbeating nodes, as upstream's registration would leave them."""
        if self.kubelets is not None:
            return list(self.kubelets.add_pool(pool, backend))
        names = []
        for i in range(pool.count):
            node = self.api.create(
                "nodes", pool.node_manifest(i, KUBELET_VERSION), user="node-registration"
            )
            names.append(node["metadata"]["name"])
        return names

    def remove_node(self, name: str) -> None:
        """Decommission node `name`: its machine powers off for good, then its Node object is
        deleted (the timeline's `removeNode`)."""
        if self.kubelets is not None:
            self.kubelets.remove_node(name)
        try:
            self.api.delete("nodes", name, user="kubesim")
        except ApiError as e:
            if e.code != 404:
                raise

    def _compactor(self, interval_s: float) -> Generator[Any, Any, None]:
        """kube-apiserver's compactor: every interval, compact to the revision seen one interval ago."""
        last = 0
        while True:
            yield self.clock.timeout(interval_s)
            if last > self.store.compact_revision:
                self.store.compact(last)
                self.trace.record("apiserver", "compact", "etcd", str(last), "")
            last = self.store.revision

    def _timeline(self, action: TimelineAction) -> Generator[Any, Any, None]:
        yield self.clock.timeout(max(0.0, action.at_s - self.clock.now))
        try:
            action.run(self)
        except ApiError as e:
            msg = f"t={action.at_s:g}s {action.describe()}: {e.message}"
            self.timeline_errors.append(msg)
            self.trace.record("scenario", "error", action.describe(), "", e.message)

    # -- the Python API ----------------------------------------------------------------------
    def client(self, user: str) -> InProcessClient:
        """A client of the in-process front for a control loop acting as `user`. Its watches do
        not see standing renewals (Leases and node heartbeats the API server renews on a
        kubelet's behalf) as events: read those through `client.renewer`, or watch with
        `cluster.api.watch`, which writes each renewal as it falls due."""
        return InProcessClient(self.api, self.clock, user=user, latency=self.latency)

    @property
    def now(self) -> float:
        return self.clock.now

    def run(self, until: float | str | None = None) -> None:
        """Advance simulated time to `until` seconds (or a duration string such as "5m")."""
        if isinstance(until, str):
            from sim.scenario.durations import parse_duration

            until = parse_duration(until)
        if until is None:
            until = self.scenario.duration_s if self.scenario else self.clock.now
        self.clock.run(until=until)

    def apply(self, manifest: Any, *, user: str = "kubectl") -> list[dict[str, Any]]:
        """Create or update each object, as `kubectl apply` does; returns the stored objects."""
        out = []
        for doc in _documents(manifest):
            out.append(thaw(self._apply_one(doc, user)))
        return out

    @staticmethod
    def _kind_of(doc: Mapping[str, Any]) -> Kind:
        """The registered kind of a manifest, or a 400 naming what the API does not serve."""
        try:
            return REGISTRY.for_object(str(doc.get("apiVersion", "")), str(doc.get("kind", "")))
        except LookupError as e:
            raise bad_request(str(e)) from None

    def _apply_one(self, doc: dict[str, Any], user: str) -> Any:
        kind = self._kind_of(doc)
        meta = doc.get("metadata") or {}
        name = meta.get("name")
        namespace = meta.get("namespace") if kind.namespaced else None
        if name:
            try:
                live = self.api.get(kind, name, namespace=namespace)
            except ApiError as e:
                if e.code != 404:
                    raise
                live = None
            if live is not None:
                patch = apply_patch(kind.kind, live, doc, merge_key_for)
                return self.api.patch(kind, name, patch, namespace=namespace, user=user)
        return self.api.create(kind, with_last_applied(doc), namespace=namespace, user=user)

    def create(self, manifest: Mapping[str, Any], *, user: str = "kubectl") -> dict[str, Any]:
        return thaw(self.api.create(self._kind_of(manifest), manifest, user=user))

    def get(self, kind: str, name: str, namespace: str = "default") -> dict[str, Any]:
        return thaw(self.api.get(kind, name, namespace=namespace))

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[dict[str, Any]]:
        res = self.api.list(
            kind, namespace=namespace, label_selector=label_selector, field_selector=field_selector
        )
        return [thaw(o) for o in res["items"]]

    def delete(
        self,
        kind: str,
        name: str,
        namespace: str = "default",
        *,
        grace_period_seconds: int | None = None,
        propagation_policy: str | None = None,
        user: str = "kubectl",
    ) -> dict[str, Any]:
        return thaw(
            self.api.delete(
                kind,
                name,
                namespace=namespace,
                grace_period_seconds=grace_period_seconds,
                propagation_policy=propagation_policy,
                user=user,
            )
        )

    def scale(
        self,
        kind: str,
        name: str,
        replicas: int,
        namespace: str = "default",
        *,
        user: str = "kubectl",
    ) -> dict[str, Any]:
        return thaw(self.api.update_scale(kind, name, replicas, namespace=namespace, user=user))

    def trace_digest(self) -> str:
        return self.trace.digest()
