"""The ports every component receives from the composition root (sim/cluster.py).

A component (the scheduler, a controller, the kubelets, the network) never sees the `Cluster`,
the API server object or the store. It gets:

- a `Runtime`: the clock, the named random streams, the trace, `client(user)` (a `Client` that
  acts as `user`, in process or over HTTP) and the shared informer factory. `ComponentRuntime` is
  the one implementation: `Cluster` builds it over the in-process front, `RemoteCluster`
  (sim/http/remote.py) over HTTP.
- only the peer ports it truly needs, each a narrow Protocol below:
  - `NodeReachability` (from the network model, to the kubelets): whether a node can talk to
    the control plane, and a listener for topology changes;
  - `HostPower` (from the node backends, to the network model): whether a node's host is
    powered and whether a pod's application accepts connections there now;
  - `CommittedState` (from the API server, to the network model only): the committed objects,
    read-only, and a listener per commit. The network is a model of the physical world, which
    upstream does not have: a packet reaches whatever is really at an address, not what some
    informer has seen yet, so the network follows the committed truth instead of a client's
    view. It is handed this port, not the server, and cannot write through it.

docs/architecture.md draws the layers and these ports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from sim.client.interface import Client

if TYPE_CHECKING:
    from sim.client.informer import SharedInformerFactory
    from sim.core import Clock, RandomStreams, TraceRecorder


class Runtime(Protocol):
    """What every component runs on (module docstring)."""

    @property
    def clock(self) -> Clock: ...

    @property
    def streams(self) -> RandomStreams: ...

    @property
    def trace(self) -> TraceRecorder: ...

    @property
    def informers(self) -> SharedInformerFactory: ...

    @property
    def seed(self) -> int: ...

    def client(self, user: str) -> Client:
        """A client acting as `user` (recorded in the trace and in managedFields)."""
        ...


class ComponentRuntime:
    """The `Runtime` the composition root builds: `client_for(user)` makes the clients, and the
    shared informer factory lists and watches through `client_for("informers")`."""

    __slots__ = ("_client_for", "clock", "informers", "seed", "streams", "trace")

    def __init__(
        self,
        clock: Clock,
        streams: RandomStreams,
        trace: TraceRecorder,
        client_for: Callable[[str], Client],
        *,
        seed: int = 0,
    ):
        from sim.client.informer import SharedInformerFactory

        self.clock = clock
        self.streams = streams
        self.trace = trace
        self.seed = int(seed)
        self._client_for = client_for
        self.informers = SharedInformerFactory(client_for("informers"), clock)

    def client(self, user: str) -> Client:
        return self._client_for(user)


class NodeReachability(Protocol):
    """The network model's answer to "can this node talk to the control plane?"."""

    @property
    def is_whole(self) -> bool:
        """Nothing is cut or partitioned: every node that is known reaches every other."""
        ...

    def has(self, node: str) -> bool:
        """Whether the node has joined the network (its Node is registered)."""
        ...

    def can_connect(self, a: str, b: str) -> bool: ...

    def connected_to(self, name: str) -> set[str]:
        """Every node that `name` reaches and that reaches it back."""
        ...

    def add_listener(self, fn: Callable[[], None]) -> None:
        """Call `fn()` after every change of the topology (a cut, a heal, a node joining)."""
        ...


class HostPower(Protocol):
    """The node backends' truth about their hosts, for the network model."""

    def is_powered(self, node: str) -> bool:
        """Whether the node's host is powered (a node without a known host is)."""
        ...

    def is_listening(self, pod: Mapping[str, Any]) -> bool:
        """Whether the pod's application accepts connections on its host now."""
        ...


class CommittedState(Protocol):
    """Committed objects, read-only, for a model of the physical world (module docstring)."""

    def get(self, kind: str, name: str, *, namespace: str | None = None) -> Any:
        """The stored object (frozen), or None."""
        ...

    def list(
        self, kind: str, *, namespace: str | None = None, label_selector: str | None = None
    ) -> Iterable[Any]:
        """The stored objects (frozen)."""
        ...

    def on_commit(self, fn: Callable[[str, str, Any], None]) -> None:
        """Call `fn(verb, kind, object)` after every committed write (`verb` as the API server
        records it: "create", "update", "patch", "bind", "delete", "delete-pending"...; `kind`
        is the Kind name, e.g. "Pod")."""
        ...
