"""Service addresses: ClusterIPs from the service CIDR, NodePorts, and cluster DNS names.

Models kube-apiserver's allocators of 1.32 (the bitmap allocators; MultiCIDRServiceAllocator is
off by default in 1.32):
- pkg/registry/core/service/ipallocator/bitmap.go: the range is the service CIDR without its
  network and broadcast addresses; `calculateRangeOffset` reserves a lower band of
  min(max(16, size / 16), 256) addresses for static requests, so a dynamic allocation draws at
  random from the upper band first and only then from the lower band. The `kubernetes` Service
  asks for the first address (10.96.0.1 in 10.96.0.0/12).
- pkg/registry/core/service/portallocator/allocator.go: NodePorts 30000-32767 with a lower band
  of min(max(16, size / 32), 128) ports for static requests, dynamic ones upper band first.
- pkg/registry/core/service/storage/alloc.go: the errors (`spec.clusterIPs: Invalid value:
  []string{"..."}: failed to allocate IP ...: provided IP is already allocated`, `the provided
  IP (x) is not in the valid range. The range of valid IPs is 10.96.0.0/12`, `spec.ports[i].
  nodePort: Invalid value: n: provided port is already allocated`, `failed to allocate a
  serviceIP: range is full` as an InternalError), and node ports shared by service ports with
  the same port number.

`ServiceIPAM` is an admission plugin (`admit(attrs, lookup, list_all)`) that allocates on Service
CREATE and UPDATE (type changes to or from ExternalName, NodePort and LoadBalancer). Upstream
allocates in a transaction that the create commits or reverts; here the server is synchronous,
so `admit` only reserves for the request in flight, and `observe` (an ApiServer observer, called
after every committed write) turns reservations into allocations and releases what a committed
update or delete gave up: a request that fails validation after admission leaves nothing behind.
Allocations are rebuilt from the store when the plugin is installed (upstream's repair loop).

DNS (`service_fqdn`, `dns_search_path`, `DnsResolver`): `<service>.<namespace>.svc.<domain>`
resolves to the ClusterIP, or to the ready endpoint addresses of a headless Service, following
the pod's resolv.conf search path (pkg/kubelet/network/dns/dns.go: `<ns>.svc.<domain>
svc.<domain> <domain>`, ndots 5).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sim.api.builtin.pod import go_string_list
from sim.api.builtin.service import NODE_PORT_RANGE, is_headless, needs_cluster_ip, needs_node_port
from sim.api.builtin.service.ips import is_valid_ip
from sim.api.errors import ApiError, invalid, invalid_object, status_dict
from sim.apiserver.admission import Attributes, ListAll, Lookup
from sim.core import RandomStream

SERVICE_CIDR = "10.96.0.0/12"  # kube-apiserver --service-cluster-ip-range default
CLUSTER_DOMAIN = "cluster.local"  # kubelet --cluster-domain in kubeadm clusters
NDOTS = 5  # pkg/kubelet/network/dns/dns.go ndotsDNSOption


class AllocationError(Exception):
    """An allocator's refusal, with upstream's text."""


def _range_offset(size: int, lo: int, hi: int, step: int) -> int:
    """calculateRangeOffset: min(max(lo, size / step), hi), 0 for tiny ranges."""
    if size <= lo:
        return 0
    return max(lo, min(hi, size // step))


class BandedBitmap:
    """A set of ints [0, size) allocated upper band first, at random, as the bitmap allocators."""

    def __init__(self, size: int, offset: int, stream: RandomStream):
        self.size = size
        self.offset = offset
        self.used: set[int] = set()
        self._stream = stream

    def free(self) -> int:
        return self.size - len(self.used)

    def take(self, n: int) -> bool:
        if n in self.used:
            return False
        self.used.add(n)
        return True

    def next(self) -> int | None:
        """randomScanStrategyWithOffset: a random start in the upper band, scan, then the lower."""
        for lo, hi in ((self.offset, self.size), (0, self.offset)):
            span = hi - lo
            if span <= 0:
                continue
            start = lo + self._stream.integers(0, span)
            for i in range(span):
                n = lo + (start - lo + i) % span
                if n not in self.used:
                    self.used.add(n)
                    return n
        return None


class ClusterIPAllocator:
    """IPv4 ClusterIPs from one CIDR (ipallocator/bitmap.go semantics)."""

    def __init__(self, cidr: str, stream: RandomStream):
        self.network = ipaddress.IPv4Network(cidr)
        self.base = int(self.network.network_address) + 1
        size = max(0, self.network.num_addresses - 2)
        self.bitmap = BandedBitmap(size, _range_offset(size, 16, 256, 16), stream)

    def _index(self, ip: str) -> int:
        try:
            addr = ipaddress.IPv4Address(ip)
        except ValueError:
            raise AllocationError(f"failed to parse IP {ip}") from None
        i = int(addr) - self.base
        if not 0 <= i < self.bitmap.size:
            raise AllocationError(
                f"the provided IP ({ip}) is not in the valid range. The range of valid IPs is "
                f"{self.network}"
            )
        return i

    def allocate(self, ip: str) -> None:
        if not self.bitmap.take(self._index(ip)):
            raise AllocationError("provided IP is already allocated")

    def allocate_next(self) -> str:
        n = self.bitmap.next()
        if n is None:
            raise AllocationError("range is full")
        return str(ipaddress.IPv4Address(self.base + n))

    def release(self, ip: str) -> None:
        try:
            self.bitmap.used.discard(self._index(ip))
        except AllocationError:
            pass

    def has(self, ip: str) -> bool:
        try:
            return self._index(ip) in self.bitmap.used
        except AllocationError:
            return False

    def in_use(self) -> int:
        return len(self.bitmap.used)


class NodePortAllocator:
    """NodePorts from a range (portallocator/allocator.go semantics)."""

    def __init__(self, lo: int, hi: int, stream: RandomStream):
        self.lo, self.hi = lo, hi
        size = hi - lo + 1
        self.bitmap = BandedBitmap(size, _range_offset(size, 16, 128, 32), stream)

    def allocate(self, port: int) -> None:
        if not self.lo <= port <= self.hi:
            raise AllocationError(
                "provided port is not in the valid range. The range of valid ports is "
                f"{self.lo}-{self.hi}"
            )
        if not self.bitmap.take(port - self.lo):
            raise AllocationError("provided port is already allocated")

    def allocate_next(self) -> int:
        n = self.bitmap.next()
        if n is None:
            raise AllocationError("range is full")
        return self.lo + n

    def release(self, port: int) -> None:
        self.bitmap.used.discard(port - self.lo)

    def has(self, port: int) -> bool:
        return (port - self.lo) in self.bitmap.used

    def in_use(self) -> int:
        return len(self.bitmap.used)


def _internal(msg: str) -> ApiError:
    return ApiError(
        status_dict(500, "InternalError", f"Internal error occurred: {msg}", {"causes": []})
    )


def held_ips(svc: Mapping[str, Any] | None) -> tuple[str, ...]:
    if svc is None:
        return ()
    spec = svc.get("spec") or {}
    if not needs_cluster_ip(spec) or is_headless(spec):
        return ()
    return tuple(ip for ip in spec.get("clusterIPs") or () if ip and ip != "None")


def held_ports(svc: Mapping[str, Any] | None) -> tuple[int, ...]:
    if svc is None:
        return ()
    spec = svc.get("spec") or {}
    ports = {int(p["nodePort"]) for p in spec.get("ports") or () if p.get("nodePort")}
    if spec.get("healthCheckNodePort"):
        ports.add(int(spec["healthCheckNodePort"]))
    return tuple(sorted(ports))


class ServiceIPAM:
    """The Service allocators as an admission plugin plus a commit observer (module docstring)."""

    name = "ServiceIPAllocator"

    def __init__(
        self,
        streams: Any,
        service_cidr: str = SERVICE_CIDR,
        node_port_range: tuple[int, int] = NODE_PORT_RANGE,
    ):
        self.ips = ClusterIPAllocator(service_cidr, streams.stream("network/cluster-ip"))
        self.ports = NodePortAllocator(*node_port_range, streams.stream("network/node-port"))
        self.service_cidr = service_cidr
        # what each committed Service holds, so an update that drops an IP or port releases it
        self._held: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {}
        # the request in flight: what admit reserved and must give back if nothing commits
        self._pending_ips: list[str] = []
        self._pending_ports: list[int] = []

    @property
    def first_ip(self) -> str:
        return str(self.ips.network.network_address + 1)

    # -- the repair loop ---------------------------------------------------------------------
    def restore(self, services: Iterable[Mapping[str, Any]]) -> None:
        """Mark what stored Services hold (upstream's repair controllers)."""
        for svc in services:
            ips, ports = held_ips(svc), held_ports(svc)
            for ip in ips:
                try:
                    self.ips.allocate(ip)
                except AllocationError:
                    pass
            for port in ports:
                try:
                    self.ports.allocate(port)
                except AllocationError:
                    pass
            self._held[_key(svc)] = (ips, ports)

    # -- admission ---------------------------------------------------------------------------
    def _settle_pending(self) -> None:
        """The previous request ended without a commit: give its reservations back."""
        for ip in self._pending_ips:
            self.ips.release(ip)
        for port in self._pending_ports:
            self.ports.release(port)
        self._pending_ips, self._pending_ports = [], []

    def admit(self, attrs: Attributes, lookup: Lookup, list_all: ListAll) -> None:
        """Allocate on Service CREATE and UPDATE; raise upstream's errors on a refusal."""
        self._settle_pending()
        if attrs.kind.kind != "Service" or attrs.subresource or attrs.operation == "DELETE":
            return
        assert attrs.obj is not None
        spec = attrs.obj.setdefault("spec", {})
        old_spec = None if attrs.old is None else (attrs.old.get("spec") or {})
        try:
            self._admit_ips(attrs.name, spec, old_spec)
            self._admit_node_ports(attrs.name, spec, old_spec)
        except ApiError:
            self._settle_pending()
            raise

    def _admit_ips(
        self, name: str, spec: dict[str, Any], old_spec: Mapping[str, Any] | None
    ) -> None:
        if not needs_cluster_ip(spec) or is_headless(spec):
            return
        if old_spec is not None and needs_cluster_ip(old_spec) and old_spec.get("clusterIP"):
            return  # clusterIPs are immutable once set; validation refuses a change
        if len(spec.get("ipFamilies") or ()) > 1:
            return  # this cluster is single-stack: validation refuses dual-stack
        ips = list(spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else []))
        if any(is_valid_ip(f"spec.clusterIPs[{i}]", ip) for i, ip in enumerate(ips)):
            # upstream's allocateCreate pre-validates (initIPFamilyFields ->
            # ValidateServiceClusterIPsRelatedFields): validation reports a malformed IP first
            return
        if ips:
            ip = ips[0]
            try:
                self.ips.allocate(ip)
            except AllocationError as e:
                detail = f"failed to allocate IP {ip}: {e}"
                err = invalid("spec.clusterIPs", go_string_list(ips), detail)
                raise invalid_object("Service", "", name, [err]) from None
        else:
            try:
                ip = self.ips.allocate_next()
            except AllocationError as e:
                raise _internal(f"failed to allocate a serviceIP: {e}") from None
        self._pending_ips.append(ip)
        spec["clusterIP"] = ip
        spec["clusterIPs"] = [ip]

    def _admit_node_ports(
        self, name: str, spec: dict[str, Any], old_spec: Mapping[str, Any] | None
    ) -> None:
        """initNodePorts / updateNodePorts: ports with the same number share one node port."""
        if not needs_node_port(spec):
            return
        old_held = set(held_ports({"spec": old_spec})) if old_spec is not None else set()
        allocate_new = spec.get("type") == "NodePort" or spec.get(
            "allocateLoadBalancerNodePorts", True
        )
        by_port: dict[int, int] = {}
        for i, port in enumerate(spec.get("ports") or ()):
            number = int(port.get("port") or 0)
            requested = int(port.get("nodePort") or 0)
            if not requested and by_port.get(number):
                port["nodePort"] = by_port[number]
                continue
            if requested:
                if requested not in old_held and requested not in by_port.values():
                    try:
                        self.ports.allocate(requested)
                    except AllocationError as e:
                        err = invalid(f"spec.ports[{i}].nodePort", requested, str(e))
                        raise invalid_object("Service", "", name, [err]) from None
                    self._pending_ports.append(requested)
                by_port.setdefault(number, requested)
            elif allocate_new:
                try:
                    n = self.ports.allocate_next()
                except AllocationError as e:
                    raise _internal(f"failed to allocate a nodePort: {e}") from None
                port["nodePort"] = n
                self._pending_ports.append(n)
                by_port[number] = n

    # -- commits -----------------------------------------------------------------------------
    def observe(self, verb: str, kind: Any, obj: Any) -> None:
        """ApiServer observer: a committed Service write confirms reservations and releases
        what the Service no longer holds (all of it on delete)."""
        if kind.kind != "Service":
            return
        key = _key(obj)
        pending_ips, pending_ports = self._pending_ips, self._pending_ports
        self._pending_ips, self._pending_ports = [], []
        before_ips, before_ports = self._held.pop(key, ((), ()))
        if verb == "delete":
            now_ips: tuple[str, ...] = ()
            now_ports: tuple[int, ...] = ()
        else:
            now_ips, now_ports = held_ips(obj), held_ports(obj)
            self._held[key] = (now_ips, now_ports)
        for ip in [*before_ips, *pending_ips]:
            if ip not in now_ips:
                self.ips.release(ip)
        for port in [*before_ports, *pending_ports]:
            if port not in now_ports:
                self.ports.release(port)


def _key(svc: Mapping[str, Any]) -> str:
    meta = svc["metadata"]
    return f"{meta.get('namespace', 'default')}/{meta['name']}"


# -- DNS ---------------------------------------------------------------------------------------
def service_fqdn(name: str, namespace: str, domain: str = CLUSTER_DOMAIN) -> str:
    return f"{name}.{namespace}.svc.{domain}"


def dns_search_path(namespace: str, domain: str = CLUSTER_DOMAIN) -> tuple[str, ...]:
    """A ClusterFirst pod's resolv.conf search list (pkg/kubelet/network/dns/dns.go)."""
    return (f"{namespace}.svc.{domain}", f"svc.{domain}", domain)


def candidate_names(query: str, namespace: str, domain: str = CLUSTER_DOMAIN) -> list[str]:
    """The names a resolver tries, in order, for `query` (glibc: ndots then the search list)."""
    q = query.rstrip(".")
    if query.endswith("."):
        return [q]
    expanded = [f"{q}.{s}" for s in dns_search_path(namespace, domain)]
    return [q, *expanded] if q.count(".") >= NDOTS else [*expanded, q]


def parse_service_fqdn(fqdn: str, domain: str = CLUSTER_DOMAIN) -> tuple[str, str] | None:
    """(namespace, name) of `<name>.<namespace>.svc.<domain>`, or None."""
    suffix = f".svc.{domain}"
    if not fqdn.endswith(suffix):
        return None
    parts = fqdn[: -len(suffix)].split(".")
    if len(parts) != 2 or not all(parts):
        return None
    return parts[1], parts[0]


class DnsResolver:
    """Cluster DNS over a Service getter: name -> ClusterIP, or ready pod IPs when headless.

    `get_service(namespace, name)` returns the Service or None; `headless_ips(namespace, name)`
    the ready endpoint addresses (CoreDNS's kubernetes plugin answers from its own caches; here
    the caller chooses which view to give).
    """

    def __init__(
        self,
        get_service: Callable[[str, str], Mapping[str, Any] | None],
        headless_ips: Callable[[str, str], list[str]] | None = None,
        domain: str = CLUSTER_DOMAIN,
    ):
        self.get_service = get_service
        self.headless_ips = headless_ips or (lambda ns, name: [])
        self.domain = domain

    def resolve(self, query: str, namespace: str = "default") -> list[str]:
        """The A records for `query` as a pod in `namespace` would get them; [] is NXDOMAIN."""
        for fqdn in candidate_names(query, namespace, self.domain):
            ref = parse_service_fqdn(fqdn, self.domain)
            if ref is None:
                continue
            svc = self.get_service(*ref)
            if svc is None:
                continue
            spec = svc.get("spec") or {}
            if spec.get("type") == "ExternalName":
                return []  # a CNAME, not followed here
            if is_headless(spec):
                return sorted(self.headless_ips(*ref))
            return [spec["clusterIP"]] if spec.get("clusterIP") else []
        return []
