"""The Service kind (core/v1): defaulting, strategy and validation as upstream Kubernetes 1.32.

Guarantees, for a single-stack IPv4 cluster:
- `default` is SetDefaults_Service (pkg/apis/core/v1/defaults.go): type ClusterIP, sessionAffinity
  None (ClientIP gets timeoutSeconds 10800), port protocol TCP, targetPort = port,
  externalTrafficPolicy Cluster when externally accessible, internalTrafficPolicy Cluster,
  allocateLoadBalancerNodePorts true and ingress ipMode VIP for LoadBalancers.
- `prepare_for_create`/`prepare_for_update` do what upstream does before validation: the REST
  layer's patchAllocatedValues, normalizeClusterIPs and the allocator's initIPFamilyFields
  (pkg/registry/core/service/storage/rest.go, alloc.go: clusterIPs mirror clusterIP, policy
  SingleStack, or RequireDualStack for a headless service without selector, families [IPv4]),
  then the strategy's PrepareForCreate/PrepareForUpdate (pkg/registry/core/service/strategy.go:
  status cleared or kept, type-dependent fields dropped). Allocation of cluster IPs and node
  ports is not done here: a service without clusterIP passes.
- `validate` is ValidateService (pkg/apis/core/validation/validation.go) without ObjectMeta. When
  the allocator would refuse the object first (an IP family this cluster lacks, or a nodePort
  outside 30000-32767), it returns only those errors, as upstream's BeginCreate does.
- `validate_update` adds ValidateServiceUpdate's update-only checks; `validate_status_update` is
  ValidateServiceStatusUpdate.
- Bad values print as upstream's field.Error does (`[]string{"10.0.0.1"}` for lists).

Also the home of the IP helpers core validation shares (validation.IsValidIP and
ValidateNonSpecialIP with netutils.ParseIPSloppy semantics), used by Endpoints and EndpointSlices.

Left out: dual-stack clusters, and the order of update errors (upstream puts them before
ValidateService's; here the apiserver runs validate first). The node-port range check stands in
for the allocator's until the IPAM model owns it.

Layout: `ips` (IP helpers), `common` (constants, Go renderings, spec accessors), `defaults`,
`families` (IP family and cluster IP fields), `validation`, `update`, and `strategy` (the prepare
hooks and the SERVICE kind). This package re-exports every public name the single `service.py`
module had.
"""

from sim.api.builtin.service.common import (
    DEFAULT_CLIENT_IP_AFFINITY_S,
    IP_FAMILIES,
    IP_FAMILY_POLICIES,
    KUBELET_PORT,
    LB_SOURCE_RANGES_ANNOTATION,
    MAX_CLIENT_IP_AFFINITY_S,
    NODE_PORT_RANGE,
    PORT_PROTOCOLS,
    SERVICE_TYPES,
    SESSION_AFFINITIES,
    TOPOLOGY_HINTS_ANNOTATION,
    TOPOLOGY_MODE_ANNOTATION,
    TRAFFIC_POLICIES,
    go_int_or_string,
    is_headless,
    needs_cluster_ip,
    needs_node_port,
)
from sim.api.builtin.service.defaults import default_service
from sim.api.builtin.service.ips import (
    INVALID_CIDR,
    INVALID_IP,
    IP,
    Errs,
    is_valid_cidr,
    is_valid_ip,
    parse_ip,
    validate_non_special_ip,
)
from sim.api.builtin.service.strategy import SERVICE, normalize_cluster_ips, patch_allocated_values
from sim.api.builtin.service.update import validate_service_status_update, validate_service_update
from sim.api.builtin.service.validation import validate_port_num_or_name, validate_service

__all__ = [
    "DEFAULT_CLIENT_IP_AFFINITY_S",
    "INVALID_CIDR",
    "INVALID_IP",
    "IP",
    "IP_FAMILIES",
    "IP_FAMILY_POLICIES",
    "KUBELET_PORT",
    "LB_SOURCE_RANGES_ANNOTATION",
    "MAX_CLIENT_IP_AFFINITY_S",
    "NODE_PORT_RANGE",
    "PORT_PROTOCOLS",
    "SERVICE",
    "SERVICE_TYPES",
    "SESSION_AFFINITIES",
    "TOPOLOGY_HINTS_ANNOTATION",
    "TOPOLOGY_MODE_ANNOTATION",
    "TRAFFIC_POLICIES",
    "Errs",
    "default_service",
    "go_int_or_string",
    "is_headless",
    "is_valid_cidr",
    "is_valid_ip",
    "needs_cluster_ip",
    "needs_node_port",
    "normalize_cluster_ips",
    "parse_ip",
    "patch_allocated_values",
    "validate_non_special_ip",
    "validate_port_num_or_name",
    "validate_service",
    "validate_service_status_update",
    "validate_service_update",
]
