"""The Pod kind: defaulting, strategy and validation as upstream Kubernetes 1.32 does them.

Guarantees, for the fields kubesim models (see "Left out" below):
- `default` is upstream's decode-time defaulting, pkg/apis/core/v1/defaults.go (SetDefaults_Pod,
  SetDefaults_PodSpec, SetDefaults_Container, SetDefaults_Probe, SetDefaults_Volume, ...) and the
  declarative defaults of pkg/apis/core/v1/zz_generated.defaults.go (port protocol TCP, grpc
  service ""), plus the v1 conversion of `serviceAccount` (pkg/apis/core/v1/conversion.go).
- `prepare_for_create`/`prepare_for_update` follow pkg/registry/core/pod/strategy.go.
- `validate` is ValidatePodCreate of pkg/apis/core/validation/validation.go without the
  ObjectMeta part (the apiserver does that) and without the create-only ephemeral-containers
  rule, which sits in `POD.extra["validate_create"]` because `validate` also runs on update;
  `validate_update` adds only what ValidatePodUpdate checks beyond it; `validate_status_update`
  is ValidatePodStatusUpdate. Errors come in upstream order, with upstream messages and paths
  (including upstream's odd ones, such as `spec.volumes[0].downwarAPI`).
- Helpers other kinds reuse: `default_pod_spec`, `default_pod_template`, `validate_pod_spec`,
  `validate_pod_template_spec`, `pod_qos_class` (pkg/apis/core/helper/qos/qos.go) and
  `pod_requests` (k8s.io/component-helpers/resource/helpers.go PodRequests).

Feature gates are those of a default 1.32 apiserver: SidecarContainers, PodLifecycleSleepAction,
RelaxedEnvironmentVariableValidation and MatchLabelKeysInPodAffinity on; InPlacePodVerticalScaling,
PodLevelResources, DynamicResourceAllocation, UserNamespacesSupport and ImageVolume off.

Left out (accepted without checks): resourceClaims, ephemeral (generic inline) volume claim
templates, in-tree cloud volume sources other than the one-type rule, Windows options and
host-process rules, seccomp/AppArmor annotations, sysctl namespace rules, the tolerations
annotation, and node affinity mutations of gated pods (treated as spec changes). Map iteration
follows insertion order where Go's is random. The update diff after upstream's "pod updates may
not change fields other than ..." text lists changed JSON paths instead of Go's cmp.Diff output.

Layout, one concern per module, each rule one upstream function: `values` (Go-style value
printing, shared readers), `constants`, `defaults`, `volumes`, `container_fields` (ports, env,
mounts), `resources`, `security` (security contexts), `containers` (containers, probes,
lifecycle), `scheduling` (affinity, tolerations, topology spread), `spec` (validate_pod_spec and
the pod-level rules), `qos` (QoS class, pod_requests), `update` (ValidatePodUpdate, status
update) and `strategy` (prepare hooks and the POD kind). Error order is upstream's because
`validate_pod_spec` calls the checks in validation.go's order, wherever they live. This package
re-exports every public name the single `pod.py` module had.
"""

from sim.api.builtin.pod.constants import (
    DEFAULT_SCHEDULER_NAME,
    DEFAULT_TERMINATION_GRACE_PERIOD_S,
    DNS_POLICIES,
    ENV_FIELD_PATHS,
    FILE_MODE_DEFAULT,
    FILE_MODE_ERROR,
    FS_GROUP_CHANGE_POLICIES,
    HOST_PATH_TYPES,
    HTTP_SCHEMES,
    INIT_PROBE_FORBIDDEN,
    MAX_INT32,
    MIRROR_POD_ANNOTATION,
    MOUNT_PROPAGATIONS,
    NEGATIVE_ERROR,
    NODE_INCLUSION_POLICIES,
    NOT_POSITIVE_ERROR,
    ONE_HANDLER_TYPE,
    ONE_VOLUME_TYPE,
    OS_NAMES,
    POD_DELETION_COST_ANNOTATION,
    POD_UPDATE_FORBIDDEN,
    PORT_PROTOCOLS,
    PREEMPTION_POLICIES,
    PROC_MOUNT_TYPES,
    PULL_POLICIES,
    RECURSIVE_READ_ONLY,
    RESOURCE_FIELD_PATHS,
    RESTART_POLICIES,
    SA_TOKEN_EXPIRATION_DEFAULT_S,
    SECCOMP_TYPES,
    SUPPLEMENTAL_GROUPS_POLICIES,
    TAINT_EFFECTS,
    TERMINATION_MESSAGE_PATH_DEFAULT,
    TERMINATION_MESSAGE_POLICIES,
    TOLERATION_OPERATORS,
    UPDATABLE_POD_SPEC_FIELDS,
    VOLUME_FIELD_PATHS,
    VOLUME_SOURCES,
    WHEN_UNSATISFIABLE,
)
from sim.api.builtin.pod.defaults import (
    default_pod,
    default_pod_spec,
    default_pod_template,
    round_up_resource_list,
)
from sim.api.builtin.pod.qos import compute_pod_qos, pod_qos_class, pod_requests
from sim.api.builtin.pod.resources import validate_resource_quantity_value
from sim.api.builtin.pod.scheduling import (
    validate_node_selector,
    validate_taint_effect,
    validate_tolerations,
)
from sim.api.builtin.pod.spec import (
    validate_pod,
    validate_pod_create_only,
    validate_pod_spec,
    validate_pod_template_spec,
)
from sim.api.builtin.pod.strategy import (
    POD,
    pod_validation_key,
    prepare_pod_for_create,
    prepare_pod_for_update,
    validate_pod_binding,
)
from sim.api.builtin.pod.update import validate_pod_status_update, validate_pod_update
from sim.api.builtin.pod.values import (
    Errs,
    GoValue,
    Obj,
    go_str,
    go_string_list,
    label_name_errors,
    quantity,
)

__all__ = [
    "DEFAULT_SCHEDULER_NAME",
    "DEFAULT_TERMINATION_GRACE_PERIOD_S",
    "DNS_POLICIES",
    "ENV_FIELD_PATHS",
    "FILE_MODE_DEFAULT",
    "FILE_MODE_ERROR",
    "FS_GROUP_CHANGE_POLICIES",
    "HOST_PATH_TYPES",
    "HTTP_SCHEMES",
    "INIT_PROBE_FORBIDDEN",
    "MAX_INT32",
    "MIRROR_POD_ANNOTATION",
    "MOUNT_PROPAGATIONS",
    "NEGATIVE_ERROR",
    "NODE_INCLUSION_POLICIES",
    "NOT_POSITIVE_ERROR",
    "ONE_HANDLER_TYPE",
    "ONE_VOLUME_TYPE",
    "OS_NAMES",
    "POD",
    "POD_DELETION_COST_ANNOTATION",
    "POD_UPDATE_FORBIDDEN",
    "PORT_PROTOCOLS",
    "PREEMPTION_POLICIES",
    "PROC_MOUNT_TYPES",
    "PULL_POLICIES",
    "RECURSIVE_READ_ONLY",
    "RESOURCE_FIELD_PATHS",
    "RESTART_POLICIES",
    "SA_TOKEN_EXPIRATION_DEFAULT_S",
    "SECCOMP_TYPES",
    "SUPPLEMENTAL_GROUPS_POLICIES",
    "TAINT_EFFECTS",
    "TERMINATION_MESSAGE_PATH_DEFAULT",
    "TERMINATION_MESSAGE_POLICIES",
    "TOLERATION_OPERATORS",
    "UPDATABLE_POD_SPEC_FIELDS",
    "VOLUME_FIELD_PATHS",
    "VOLUME_SOURCES",
    "WHEN_UNSATISFIABLE",
    "Errs",
    "GoValue",
    "Obj",
    "compute_pod_qos",
    "default_pod",
    "default_pod_spec",
    "default_pod_template",
    "go_str",
    "go_string_list",
    "label_name_errors",
    "pod_qos_class",
    "pod_requests",
    "pod_validation_key",
    "prepare_pod_for_create",
    "prepare_pod_for_update",
    "quantity",
    "round_up_resource_list",
    "validate_node_selector",
    "validate_pod",
    "validate_pod_binding",
    "validate_pod_create_only",
    "validate_pod_spec",
    "validate_pod_status_update",
    "validate_pod_template_spec",
    "validate_pod_update",
    "validate_resource_quantity_value",
    "validate_taint_effect",
    "validate_tolerations",
]
