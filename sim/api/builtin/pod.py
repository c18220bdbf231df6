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

One module rather than several: every rule here is one upstream function, and keeping them in
upstream's order in one place is what makes the error order checkable against validation.go.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson

from sim.api.errors import (
    NOT_FOUND,
    FieldError,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
    too_long,
)
from sim.api.frozen import thaw
from sim.api.kinds import Kind
from sim.api.labels import validate_label_selector
from sim.api.quantity import Quantity, QuantityError, parse_quantity
from sim.api.validation.common import (
    inclusive_range_error,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_label_value,
    is_valid_port_name,
    name_is_dns_label,
    name_is_dns_subdomain,
    regex_error,
    validate_annotations,
    validate_labels,
)

__all__ = [
    "POD",
    "GoValue",
    "compute_pod_qos",
    "default_pod",
    "default_pod_spec",
    "default_pod_template",
    "go_str",
    "go_string_list",
    "label_name_errors",
    "pod_qos_class",
    "pod_requests",
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

Obj = dict[str, Any]
Errs = list[FieldError]

MAX_INT32 = 2**31 - 1
DEFAULT_TERMINATION_GRACE_PERIOD_S = 30
DEFAULT_SCHEDULER_NAME = "default-scheduler"
TERMINATION_MESSAGE_PATH_DEFAULT = "/dev/termination-log"
FILE_MODE_DEFAULT = 0o644
SA_TOKEN_EXPIRATION_DEFAULT_S = 3600
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"
POD_DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost"

# Supported-value lists, in the order upstream prints them (sets.List sorts, slices do not).
RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
PORT_PROTOCOLS = ("SCTP", "TCP", "UDP")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
TOLERATION_OPERATORS = ("Equal", "Exists")
WHEN_UNSATISFIABLE = ("DoNotSchedule", "ScheduleAnyway")
NODE_INCLUSION_POLICIES = ("Honor", "Ignore")
PREEMPTION_POLICIES = ("PreemptLowerPriority", "Never")
HTTP_SCHEMES = ("HTTP", "HTTPS")
HOST_PATH_TYPES = (
    "",
    "BlockDevice",
    "CharDevice",
    "Directory",
    "DirectoryOrCreate",
    "File",
    "FileOrCreate",
    "Socket",
)
MOUNT_PROPAGATIONS = ("Bidirectional", "HostToContainer", "None")
RECURSIVE_READ_ONLY = ("Disabled", "Enabled", "IfPossible")
OS_NAMES = ("linux", "windows")
FS_GROUP_CHANGE_POLICIES = ("Always", "OnRootMismatch")
SECCOMP_TYPES = ("Localhost", "RuntimeDefault", "Unconfined")
PROC_MOUNT_TYPES = ("Default", "Unmasked")
SUPPLEMENTAL_GROUPS_POLICIES = ("Merge", "Strict")
ENV_FIELD_PATHS = (
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
)
VOLUME_FIELD_PATHS = (
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
)
RESOURCE_FIELD_PATHS = (
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
)
# podshelper.ConvertDownwardAPIFieldLabel: what a v1 fieldRef may name at all.
_DOWNWARD_API_LABELS = frozenset(
    (
        "metadata.annotations",
        "metadata.labels",
        "metadata.name",
        "metadata.namespace",
        "metadata.uid",
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.serviceAccountName",
        "spec.schedulerName",
        "status.phase",
        "status.hostIP",
        "status.hostIPs",
        "status.podIP",
        "status.podIPs",
    )
)
UPDATABLE_POD_SPEC_FIELDS = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
)
POD_UPDATE_FORBIDDEN = "pod updates may not change fields other than " + ",".join(
    UPDATABLE_POD_SPEC_FIELDS
)

FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive"
NOT_POSITIVE_ERROR = "must be greater than zero"
NEGATIVE_ERROR = "must be greater than or equal to 0"
ONE_VOLUME_TYPE = "may not specify more than 1 volume type"
ONE_HANDLER_TYPE = "may not specify more than 1 handler type"
INIT_PROBE_FORBIDDEN = "may not be set for init containers without restartPolicy=Always"

# (JSON key, path upstream names in "may not specify more than 1 volume type"), in upstream's
# validateVolumeSource order. `cephFS` and `downwarAPI` are upstream's spellings.
VOLUME_SOURCES = (
    ("emptyDir", "emptyDir"),
    ("hostPath", "hostPath"),
    ("gitRepo", "gitRepo"),
    ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("secret", "secret"),
    ("nfs", "nfs"),
    ("iscsi", "iscsi"),
    ("glusterfs", "glusterfs"),
    ("flocker", "flocker"),
    ("persistentVolumeClaim", "persistentVolumeClaim"),
    ("rbd", "rbd"),
    ("cinder", "cinder"),
    ("cephfs", "cephFS"),
    ("quobyte", "quobyte"),
    ("downwardAPI", "downwarAPI"),
    ("fc", "fc"),
    ("flexVolume", "flexVolume"),
    ("configMap", "configMap"),
    ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"),
    ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"),
    ("azureDisk", "azureDisk"),
    ("storageos", "storageos"),
    ("projected", "projected"),
    ("scaleIO", "scaleIO"),
    ("csi", "csi"),
    ("ephemeral", "ephemeral"),
)
_VOLUME_KEYS = tuple(k for k, _ in VOLUME_SOURCES)

# k8s.io/apimachinery/pkg/util/validation: env var names (relaxed, gate on in 1.32), headers.
_RELAXED_ENV_MSG = (
    "a valid environment variable name must consist only of printable ASCII characters other "
    "than '='"
)
_relaxed_env_bad_re = re.compile(r"[^\x20-\x7e]|=")
_HTTP_HEADER_FMT = "[-A-Za-z0-9]+"
_http_header_re = re.compile(f"^{_HTTP_HEADER_FMT}$")
_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_config_key_re = re.compile(f"^{_CONFIG_KEY_FMT}$")
_SYSCTL_SEGMENT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?"
_SYSCTL_FMT = "^(" + _SYSCTL_SEGMENT + "[\\./])*" + _SYSCTL_SEGMENT + "$"
_sysctl_re = re.compile(_SYSCTL_FMT)
# A docker image reference (distribution/reference grammar), to find the tag the way
# pkg/util/parsers.ParseImageName does: no tag and no digest means "latest".
_image_ref_re = re.compile(
    r"^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
    r"|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?/)?"
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$"
)

_CACHE_MAX = 4096
_pull_policy_cache: dict[str, str] = {}
_rounded_text_cache: dict[Any, str | None] = {}


class GoValue:
    """A bad value rendered the way Go's `%#v` or a Stringer prints it in field.Error."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"GoValue({self.text!r})"


def go_str(value: Any) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _go_string_map(m: Mapping[str, Any] | None) -> GoValue:
    items = ", ".join(f"{go_str(k)}:{go_str(v)}" for k, v in sorted((m or {}).items()))
    return GoValue("map[string]string{" + items + "}")


def go_string_list(values: Iterable[Any]) -> GoValue:
    return GoValue("[]string{" + ", ".join(go_str(v) for v in values) + "}")


def quantity(value: Any) -> Quantity:
    """parse_quantity (which caches parsed strings)."""
    return parse_quantity(value)


def _try_quantity(value: Any) -> Quantity | None:
    try:
        return quantity(value)
    except (QuantityError, TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    """An integer field's value, or None when absent or not an integer."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


_EMPTY_MAP: Mapping[str, Any] = {}
_EMPTY_LIST: list[Any] = []


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else _EMPTY_LIST


def _map(value: Any) -> Mapping[str, Any]:
    # dict (and the store's FrozenDict) is a C-level check; Mapping's ABC check is not.
    return value if isinstance(value, dict) else _EMPTY_MAP


def label_name_errors(key: Any, path: str) -> Errs:
    """metav1validation.ValidateLabelName."""
    return [invalid(path, key, m) for m in is_qualified_name(key if isinstance(key, str) else "")]


def _dns_label_errors(value: str, path: str) -> Errs:
    return [invalid(path, value, m) for m in is_dns1123_label(value)]


def _dns_subdomain_errors(value: str, path: str) -> Errs:
    return [invalid(path, value, m) for m in is_dns1123_subdomain(value)]


# --------------------------------------------------------------------------------------------
# Defaulting: pkg/apis/core/v1/defaults.go and zz_generated.defaults.go
# --------------------------------------------------------------------------------------------


def _pull_policy_for(image: Any) -> str:
    """SetDefaults_Container: Always for `:latest` or no tag (and no digest), else IfNotPresent."""
    if not isinstance(image, str):
        return "IfNotPresent"
    policy = _pull_policy_cache.get(image)
    if policy is None:
        m = _image_ref_re.match(image)
        if m is None:  # ParseImageName failed: upstream ignores the error, tag stays ""
            policy = "IfNotPresent"
        else:
            tag = m.group("tag") or ("" if m.group("digest") else "latest")
            policy = "Always" if tag == "latest" else "IfNotPresent"
        if len(_pull_policy_cache) < _CACHE_MAX:
            _pull_policy_cache[image] = policy
    return policy


def _rounded_text(value: Any) -> str | None:
    """How the apiserver writes a quantity back after SetDefaults_ResourceList (RoundUp to milli
    scale, then Quantity.String()); None for a value that is not a quantity."""
    key = (type(value), value)
    try:
        return _rounded_text_cache[key]
    except KeyError:
        pass
    except TypeError:
        return None
    q = _try_quantity(value)
    text: str | None = None
    if q is not None:
        milli = q.milli_value()
        exact = Quantity.from_milli(milli)
        text = str(q) if exact == q else str(Quantity.from_milli(milli, q.format))
    if len(_rounded_text_cache) < _CACHE_MAX:
        _rounded_text_cache[key] = text
    return text


def round_up_resource_list(resources: Any) -> None:
    """SetDefaults_ResourceList: quantities rounded up to milli scale, written back in the form
    the apiserver would serialise (a JSON number such as `1` becomes the string "1")."""
    if not isinstance(resources, dict):
        return
    for name, value in resources.items():
        text = _rounded_text(value)
        if text is not None and text != value:
            resources[name] = text


def _default_http_get(action: Any) -> None:
    """SetDefaults_HTTPGetAction."""
    if isinstance(action, dict):
        if not action.get("path"):
            action["path"] = "/"
        if not action.get("scheme"):
            action["scheme"] = "HTTP"


def _default_probe(probe: Any) -> None:
    """SetDefaults_Probe, SetDefaults_HTTPGetAction and GRPCAction.service's `+default=""`."""
    if not isinstance(probe, dict):
        return
    for key, value in (
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ):
        if not probe.get(key):
            probe[key] = value
    if "httpGet" in probe:
        _default_http_get(probe["httpGet"])
    grpc = probe.get("grpc")
    if isinstance(grpc, dict) and grpc.get("service") is None:
        grpc["service"] = ""


def _default_container(c: Any) -> None:
    """SetDefaults_Container and the generated defaults for its ports, env, resources, probes."""
    if not isinstance(c, dict):
        return
    if not c.get("imagePullPolicy"):
        c["imagePullPolicy"] = _pull_policy_for(c.get("image"))
    if not c.get("terminationMessagePath"):
        c["terminationMessagePath"] = TERMINATION_MESSAGE_PATH_DEFAULT
    if not c.get("terminationMessagePolicy"):
        c["terminationMessagePolicy"] = "File"
    for port in _items(c.get("ports")):
        if isinstance(port, dict) and not port.get("protocol"):
            port["protocol"] = "TCP"
    for env in _items(c.get("env")):
        if isinstance(env, dict) and isinstance(env.get("valueFrom"), dict):
            _default_field_ref(env["valueFrom"].get("fieldRef"))
    res = c.get("resources")
    if isinstance(res, dict):
        round_up_resource_list(res.get("limits"))
        round_up_resource_list(res.get("requests"))
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        if key in c:
            _default_probe(c[key])
    lifecycle = c.get("lifecycle")
    if isinstance(lifecycle, dict):
        for key in ("postStart", "preStop"):
            handler = lifecycle.get(key)
            if isinstance(handler, dict) and "httpGet" in handler:
                _default_http_get(handler["httpGet"])


def _default_field_ref(ref: Any) -> None:
    """SetDefaults_ObjectFieldSelector."""
    if isinstance(ref, dict) and not ref.get("apiVersion"):
        ref["apiVersion"] = "v1"


def _default_volume(vol: Any) -> None:
    """SetDefaults_Volume and the per-source defaults (file modes, hostPath type, tokens)."""
    if not isinstance(vol, dict):
        return
    if not any(vol.get(k) is not None for k in _VOLUME_KEYS):
        vol["emptyDir"] = {}
        return
    src = vol.get("hostPath")
    if isinstance(src, dict) and src.get("type") is None:
        src["type"] = ""
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        src = vol.get(key)
        if isinstance(src, dict) and src.get("defaultMode") is None:
            src["defaultMode"] = FILE_MODE_DEFAULT
    src = vol.get("downwardAPI")
    if isinstance(src, dict):
        for item in _items(src.get("items")):
            if isinstance(item, dict):
                _default_field_ref(item.get("fieldRef"))
    src = vol.get("projected")
    if isinstance(src, dict):
        for source in _items(src.get("sources")):
            if not isinstance(source, dict):
                continue
            dapi = source.get("downwardAPI")
            if isinstance(dapi, dict):
                for item in _items(dapi.get("items")):
                    if isinstance(item, dict):
                        _default_field_ref(item.get("fieldRef"))
            token = source.get("serviceAccountToken")
            if isinstance(token, dict) and token.get("expirationSeconds") is None:
                token["expirationSeconds"] = SA_TOKEN_EXPIRATION_DEFAULT_S


def default_pod_spec(spec: Obj) -> None:
    """SetDefaults_PodSpec and everything nested (what pod templates get; no SetDefaults_Pod)."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = DEFAULT_TERMINATION_GRACE_PERIOD_S
    if not spec.get("schedulerName"):
        spec["schedulerName"] = DEFAULT_SCHEDULER_NAME
    # v1 conversion: the deprecated serviceAccount mirrors serviceAccountName.
    if not spec.get("serviceAccountName") and spec.get("serviceAccount"):
        spec["serviceAccountName"] = spec["serviceAccount"]
    if spec.get("serviceAccountName"):
        spec["serviceAccount"] = spec["serviceAccountName"]
    for vol in _items(spec.get("volumes")):
        _default_volume(vol)
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in _items(spec.get(key)):
            _default_container(c)
    round_up_resource_list(spec.get("overhead"))


def default_pod_template(template: Obj) -> None:
    """The defaults a PodTemplateSpec gets inside ReplicaSets, Deployments, ... (PodSpec only)."""
    spec = template.get("spec")
    if not isinstance(spec, dict):
        spec = template["spec"] = {}
    default_pod_spec(spec)


def _requests_from_limits(containers: Any) -> None:
    for c in _items(containers):
        res = c.get("resources") if isinstance(c, dict) else None
        if not isinstance(res, dict):
            continue
        limits = res.get("limits")
        if not isinstance(limits, dict) or not limits:
            continue
        requests = res.get("requests")
        if not isinstance(requests, dict):
            res["requests"] = dict(limits)
            continue
        for name, value in limits.items():
            if name not in requests:
                requests[name] = value


def _host_network_ports(containers: Any) -> None:
    for c in _items(containers):
        for port in _items(c.get("ports") if isinstance(c, dict) else None):
            if isinstance(port, dict) and not port.get("hostPort"):
                port["hostPort"] = port.get("containerPort", 0)


def default_pod(pod: Obj) -> None:
    """SetObjectDefaults_Pod: SetDefaults_Pod, then SetDefaults_PodSpec and nested defaults."""
    spec = pod.get("spec")
    if not isinstance(spec, dict):
        spec = pod["spec"] = {}
    _requests_from_limits(spec.get("containers"))
    _requests_from_limits(spec.get("initContainers"))
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork"):
        _host_network_ports(spec.get("containers"))
        _host_network_ports(spec.get("initContainers"))
    default_pod_spec(spec)


# --------------------------------------------------------------------------------------------
# Volumes: ValidateVolumes, validateVolumeSource and the per-source checks of validation.go
# --------------------------------------------------------------------------------------------


def _path_no_backsteps(target: str, path: str) -> Errs:
    """validatePathNoBacksteps."""
    if ".." in target.replace("\\", "/").split("/"):
        return [invalid(path, target, "must not contain '..'")]
    return []


def _local_descending_path(target: str, path: str) -> Errs:
    """validateLocalDescendingPath."""
    errs: Errs = []
    if target.startswith("/"):
        errs.append(invalid(path, target, "must be a relative path"))
    errs += _path_no_backsteps(target, path)
    return errs


def _local_non_reserved_path(target: str, path: str) -> Errs:
    """ValidateLocalNonReservedPath."""
    errs = _local_descending_path(target, path)
    if target.startswith("..") and not target.startswith("../"):
        errs.append(invalid(path, target, "must not start with '..'"))
    return errs


def _file_mode_errors(mode: Any, path: str) -> Errs:
    if mode is not None and (not isinstance(mode, int) or mode > 0o777 or mode < 0):
        return [invalid(path, mode, FILE_MODE_ERROR)]
    return []


def _key_to_path(kp: Mapping[str, Any], path: str) -> Errs:
    """validateKeyToPath."""
    errs: Errs = []
    if not kp.get("key"):
        errs.append(required(f"{path}.key"))
    target = kp.get("path") or ""
    if not target:
        errs.append(required(f"{path}.path"))
    errs += _local_non_reserved_path(target, f"{path}.path")
    errs += _file_mode_errors(kp.get("mode"), f"{path}.mode")
    return errs


def _named_items_source(src: Mapping[str, Any], name_key: str, path: str) -> Errs:
    """validateSecretVolumeSource / validateConfigMapVolumeSource."""
    errs: Errs = []
    if not src.get(name_key):
        errs.append(required(f"{path}.{name_key}"))
    errs += _file_mode_errors(src.get("defaultMode"), f"{path}.defaultMode")
    for i, kp in enumerate(_items(src.get("items"))):
        errs += _key_to_path(_map(kp), f"{path}.items[{i}]")
    return errs


def _host_path_source(src: Mapping[str, Any], path: str) -> Errs:
    """validateHostPathVolumeSource and validateHostPathType."""
    target = src.get("path") or ""
    if not target:
        return [required(f"{path}.path")]
    errs = _path_no_backsteps(target, f"{path}.path")
    host_type = src.get("type")
    if host_type is not None and host_type not in HOST_PATH_TYPES:
        errs.append(not_supported(f"{path}.type", host_type, HOST_PATH_TYPES))
    return errs


def _empty_dir_source(src: Mapping[str, Any], path: str) -> Errs:
    limit = src.get("sizeLimit")
    if limit is not None:
        q = _try_quantity(limit)
        if q is not None and q.sign() < 0:
            return [
                forbidden(f"{path}.sizeLimit", "SizeLimit field must be a valid resource quantity")
            ]
    return []


def _nfs_source(src: Mapping[str, Any], path: str) -> Errs:
    errs: Errs = []
    if not src.get("server"):
        errs.append(required(f"{path}.server"))
    target = src.get("path") or ""
    if not target:
        errs.append(required(f"{path}.path"))
    if not target.startswith("/"):
        errs.append(invalid(f"{path}.path", target, "must be an absolute path"))
    return errs


def _pvc_source(src: Mapping[str, Any], path: str) -> Errs:
    if not src.get("claimName"):
        return [required(f"{path}.claimName")]
    return []


def _csi_source(src: Mapping[str, Any], path: str) -> Errs:
    """validateCSIVolumeSource (driver name only)."""
    driver = src.get("driver") or ""
    errs: Errs = []
    if not driver:
        errs.append(required(f"{path}.driver"))
    if len(driver) > 63:
        errs.append(too_long(f"{path}.driver", 63))
    errs += [invalid(f"{path}.driver", driver, m) for m in is_dns1123_subdomain(driver.lower())]
    return errs


def _split_subscript(field_path: str) -> tuple[str, str, bool]:
    """fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['key']` -> (path, key, True)."""
    if not field_path.endswith("']"):
        return field_path, "", False
    parts = field_path[:-2].split("['", 1)
    if len(parts) < 2 or not parts[0]:
        return field_path, "", False
    return parts[0], parts[1], True


def _convert_field_label(version: str, label: str) -> tuple[str, str]:
    """podshelper.ConvertDownwardAPIFieldLabel: (internal label, error text)."""
    if version != "v1":
        return "", f"unsupported pod version: {version}"
    base, _, subscripted = _split_subscript(label)
    if subscripted:
        if base in ("metadata.annotations", "metadata.labels"):
            return label, ""
        return "", f"field label does not support subscript: {label}"
    if label == "spec.host":
        return "spec.nodeName", ""
    if label in _DOWNWARD_API_LABELS:
        return label, ""
    return "", f"field label not supported: {label}"


def _object_field_selector(ref: Mapping[str, Any], allowed: tuple[str, ...], path: str) -> Errs:
    """validateObjectFieldSelector."""
    version = ref.get("apiVersion") or ""
    if not version:
        return [required(f"{path}.apiVersion")]
    label = ref.get("fieldPath") or ""
    if not label:
        return [required(f"{path}.fieldPath")]
    internal, err = _convert_field_label(version, label)
    if err:
        return [invalid(f"{path}.fieldPath", label, f"error converting fieldPath: {err}")]
    base, subscript, subscripted = _split_subscript(internal)
    if subscripted:
        if base == "metadata.annotations":
            key = subscript.lower()
            return [invalid(path, key, m) for m in is_qualified_name(key)]
        if base == "metadata.labels":
            return [invalid(path, subscript, m) for m in is_qualified_name(subscript)]
        return [invalid(path, base, "does not support subscript")]
    if base not in allowed:
        return [not_supported(f"{path}.fieldPath", base, allowed)]
    return []


def _resource_field_selector(ref: Mapping[str, Any], path: str, volume: bool) -> Errs:
    """validateContainerResourceFieldSelector (divisors are not checked)."""
    resource = ref.get("resource") or ""
    if volume and not ref.get("containerName"):
        return [required(f"{path}.containerName")]
    if not resource:
        return [required(f"{path}.resource")]
    if resource not in RESOURCE_FIELD_PATHS and not resource.startswith(
        ("requests.hugepages-", "limits.hugepages-")
    ):
        return [not_supported(f"{path}.resource", resource, RESOURCE_FIELD_PATHS)]
    return []


def _downward_api_file(item: Mapping[str, Any], path: str) -> Errs:
    """validateDownwardAPIVolumeFile (errors on the item use the volume's path, as upstream)."""
    errs: Errs = []
    target = item.get("path") or ""
    if not target:
        errs.append(required(f"{path}.path"))
    errs += _local_non_reserved_path(target, f"{path}.path")
    field_ref, resource_ref = item.get("fieldRef"), item.get("resourceFieldRef")
    if isinstance(field_ref, dict):
        errs += _object_field_selector(field_ref, VOLUME_FIELD_PATHS, f"{path}.fieldRef")
        if resource_ref is not None:
            errs.append(
                invalid(
                    path,
                    "resource",
                    "fieldRef and resourceFieldRef can not be specified simultaneously",
                )
            )
    elif isinstance(resource_ref, dict):
        errs += _resource_field_selector(resource_ref, f"{path}.resourceFieldRef", True)
    else:
        errs.append(required(path, "one of fieldRef and resourceFieldRef is required"))
    errs += _file_mode_errors(item.get("mode"), f"{path}.mode")
    return errs


def _downward_api_source(src: Mapping[str, Any], path: str) -> Errs:
    errs = _file_mode_errors(src.get("defaultMode"), f"{path}.defaultMode")
    for item in _items(src.get("items")):
        errs += _downward_api_file(_map(item), path)
    return errs


def _projection_items(items: Any, name: Any, seen: set[str], path: str, items_path: str) -> Errs:
    errs: Errs = []
    for i, kp in enumerate(_items(items)):
        kp = _map(kp)
        errs += _key_to_path(kp, f"{items_path}[{i}]")
        target = kp.get("path")
        if target:
            if target in seen:
                errs.append(invalid(path, name, "conflicting duplicate paths"))
            seen.add(target)
    return errs


def _projected_source_item(source: Mapping[str, Any], seen: set[str], path: str, src: str) -> Errs:
    """One entry of validateProjectionSources (without the one-source count)."""
    errs: Errs = []
    for key in ("secret", "configMap"):
        sub = source.get(key)
        if isinstance(sub, dict):
            if not sub.get("name"):
                errs.append(required(f"{src}.{key}.name"))
            errs += _projection_items(
                sub.get("items"), sub.get("name", ""), seen, path, f"{src}.{key}.items"
            )
    dapi = source.get("downwardAPI")
    if isinstance(dapi, dict):
        for item in _items(dapi.get("items")):
            item = _map(item)
            errs += _downward_api_file(item, f"{src}.downwardAPI")
            target = item.get("path")
            if target:
                if target in seen:
                    errs.append(invalid(path, target, "conflicting duplicate paths"))
                seen.add(target)
    token = source.get("serviceAccountToken")
    if isinstance(token, dict):
        errs += _sa_token_projection(token, path, src)
    return errs


def _sa_token_projection(token: Mapping[str, Any], path: str, src: str) -> Errs:
    errs: Errs = []
    expiration = _int(token.get("expirationSeconds")) or 0
    if expiration < 600:
        errs.append(
            invalid(
                f"{src}.serviceAccountToken.expirationSeconds",
                expiration,
                "may not specify a duration less than 10 minutes",
            )
        )
    if expiration > 1 << 32:
        errs.append(
            invalid(
                f"{src}.serviceAccountToken.expirationSeconds",
                expiration,
                "may not specify a duration larger than 2^32 seconds",
            )
        )
    target = token.get("path") or ""
    if not target:
        errs.append(required(f"{path}.path"))
    else:
        errs += _local_non_reserved_path(target, f"{path}.path")
    return errs


def _projected_source(src: Mapping[str, Any], path: str) -> Errs:
    """validateProjectedVolumeSource and validateProjectionSources."""
    errs = _file_mode_errors(src.get("defaultMode"), f"{path}.defaultMode")
    seen: set[str] = set()
    for i, source in enumerate(_items(src.get("sources"))):
        source = _map(source)
        src_path = f"{path}.sources[{i}]"
        errs += _projected_source_item(source, seen, path, src_path)
        kinds = ("secret", "configMap", "downwardAPI", "serviceAccountToken", "clusterTrustBundle")
        if sum(1 for k in kinds if source.get(k) is not None) > 1:
            errs.append(forbidden(src_path, ONE_VOLUME_TYPE))
    return errs


_SOURCE_VALIDATORS: dict[str, Callable[[Mapping[str, Any], str], Errs]] = {
    "emptyDir": _empty_dir_source,
    "hostPath": _host_path_source,
    "secret": lambda s, p: _named_items_source(s, "secretName", p),
    "nfs": _nfs_source,
    "persistentVolumeClaim": _pvc_source,
    "downwardAPI": _downward_api_source,
    "configMap": lambda s, p: _named_items_source(s, "name", p),
    "projected": _projected_source,
    "csi": _csi_source,
}


def _volume_source(vol: Mapping[str, Any], path: str) -> Errs:
    """validateVolumeSource: exactly one source, then that source's own checks."""
    errs: Errs = []
    count = 0
    for key, forbidden_name in VOLUME_SOURCES:
        src = vol.get(key)
        if src is None:
            continue
        if count:
            errs.append(forbidden(f"{path}.{forbidden_name}", ONE_VOLUME_TYPE))
            continue
        count += 1
        check = _SOURCE_VALIDATORS.get(key)
        if check is not None:
            errs += check(_map(src), f"{path}.{key}")
    if not count:
        errs.append(required(path, "must specify a volume type"))
    return errs


def _validate_volumes(volumes: Any, path: str) -> tuple[dict[str, Mapping[str, Any]], Errs]:
    """ValidateVolumes: returns the valid volumes by name (mounts may only use those)."""
    errs: Errs = []
    by_name: dict[str, Mapping[str, Any]] = {}
    names: set[str] = set()
    for i, vol in enumerate(_items(volumes)):
        vol = _map(vol)
        vpath = f"{path}[{i}]"
        name = vol.get("name") or ""
        el = _volume_source(vol, vpath)
        if not name:
            el.append(required(f"{vpath}.name"))
        else:
            el += _dns_label_errors(name, f"{vpath}.name")
        if name in names:
            el.append(duplicate(f"{vpath}.name", name))
        if el:
            errs += el
        else:
            names.add(name)
            by_name[name] = vol
    return by_name, errs


# --------------------------------------------------------------------------------------------
# Containers: validateContainerCommon and the checks it calls, in upstream order
# --------------------------------------------------------------------------------------------


def _container_ports(ports: Any, path: str) -> Errs:
    """validateContainerPorts."""
    errs: Errs = []
    names: set[str] = set()
    for i, port in enumerate(_items(ports)):
        port = _map(port)
        ppath = f"{path}[{i}]"
        name = port.get("name")
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += [invalid(f"{ppath}.name", name, m) for m in msgs]
            elif name in names:
                errs.append(duplicate(f"{ppath}.name", name))
            else:
                names.add(name)
        cport = port.get("containerPort", 0)
        if not cport:
            errs.append(required(f"{ppath}.containerPort"))
        elif _int(cport) is None or not 1 <= cport <= 65535:
            errs.append(invalid(f"{ppath}.containerPort", cport, inclusive_range_error(1, 65535)))
        hport = port.get("hostPort", 0)
        if hport and (_int(hport) is None or not 1 <= hport <= 65535):
            errs.append(invalid(f"{ppath}.hostPort", hport, inclusive_range_error(1, 65535)))
        protocol = port.get("protocol") or ""
        if not protocol:
            errs.append(required(f"{ppath}.protocol"))
        elif protocol not in PORT_PROTOCOLS:
            errs.append(not_supported(f"{ppath}.protocol", protocol, PORT_PROTOCOLS))
    return errs


def _key_selector(sel: Mapping[str, Any], path: str) -> Errs:
    """validateConfigMapKeySelector / validateSecretKeySelector."""
    name = sel.get("name") or ""
    errs = [invalid(f"{path}.name", name, m) for m in name_is_dns_subdomain(name, False)]
    key = sel.get("key") or ""
    if not key:
        errs.append(required(f"{path}.key"))
    else:
        errs += [invalid(f"{path}.key", key, m) for m in _config_key_errors(key)]
    return errs


def _config_key_errors(key: str) -> list[str]:
    """validation.IsConfigMapKey."""
    msgs = []
    if len(key) > 253:
        msgs.append("must be no more than 253 characters")
    if not _config_key_re.match(key):
        msgs.append(
            regex_error(
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                _CONFIG_KEY_FMT,
                "key.name",
                "KEY_NAME",
                "key-name",
            )
        )
    if key == ".":
        msgs.append("must not be '.'")
    elif key == "..":
        msgs.append("must not be '..'")
    elif key.startswith(".."):
        msgs.append("must not start with '..'")
    return msgs


def _env_value_from(env: Mapping[str, Any], path: str) -> Errs:
    """validateEnvVarValueFrom."""
    value_from = env.get("valueFrom")
    if value_from is None:
        return []
    value_from = _map(value_from)
    errs: Errs = []
    count = 0
    if isinstance(value_from.get("fieldRef"), dict):
        count += 1
        errs += _object_field_selector(value_from["fieldRef"], ENV_FIELD_PATHS, f"{path}.fieldRef")
    if isinstance(value_from.get("resourceFieldRef"), dict):
        count += 1
        errs += _resource_field_selector(
            value_from["resourceFieldRef"], f"{path}.resourceFieldRef", False
        )
    for key in ("configMapKeyRef", "secretKeyRef"):
        if isinstance(value_from.get(key), dict):
            count += 1
            errs += _key_selector(value_from[key], f"{path}.{key}")
    if count == 0:
        errs.append(
            invalid(
                path,
                "",
                "must specify one of: `fieldRef`, `resourceFieldRef`, "
                "`configMapKeyRef` or `secretKeyRef`",
            )
        )
    elif env.get("value"):
        errs.append(invalid(path, "", "may not be specified when `value` is not empty"))
    elif count > 1:
        errs.append(invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def _relaxed_env_name_errors(name: str, path: str) -> Errs:
    """validation.IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is on in 1.32)."""
    if _relaxed_env_bad_re.search(name):
        return [invalid(path, name, _RELAXED_ENV_MSG)]
    return []


def _env(envs: Any, path: str) -> Errs:
    """ValidateEnv."""
    errs: Errs = []
    for i, env in enumerate(_items(envs)):
        env = _map(env)
        epath = f"{path}[{i}]"
        name = env.get("name") or ""
        if not name:
            errs.append(required(f"{epath}.name"))
        else:
            errs += _relaxed_env_name_errors(name, f"{epath}.name")
        if "valueFrom" in env:
            errs += _env_value_from(env, f"{epath}.valueFrom")
    return errs


def _env_from(sources: Any, path: str) -> Errs:
    """ValidateEnvFrom."""
    errs: Errs = []
    for i, src in enumerate(_items(sources)):
        src = _map(src)
        spath = f"{path}[{i}]"
        prefix = src.get("prefix")
        if prefix:
            errs += _relaxed_env_name_errors(prefix, f"{spath}.prefix")
        count = 0
        for key in ("configMapRef", "secretRef"):
            ref = src.get(key)
            if isinstance(ref, dict):
                count += 1
                name = ref.get("name") or ""
                if not name:
                    errs.append(required(f"{spath}.{key}.name"))
                else:
                    errs += [
                        invalid(f"{spath}.{key}.name", name, m)
                        for m in name_is_dns_subdomain(name, True)
                    ]
        if count == 0:
            errs.append(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif count > 1:
            errs.append(invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def _volume_mounts(c: Mapping[str, Any], volumes: Mapping[str, Any], path: str) -> Errs:
    """ValidateVolumeMounts (subPath errors use the list's path, as upstream does)."""
    errs: Errs = []
    devices = {
        _map(d).get("name"): _map(d).get("devicePath") for d in _items(c.get("volumeDevices"))
    }
    mount_points: set[str] = set()
    for i, mnt in enumerate(_items(c.get("volumeMounts"))):
        mnt = _map(mnt)
        mpath = f"{path}[{i}]"
        name, mount_path = mnt.get("name") or "", mnt.get("mountPath") or ""
        if not name:
            errs.append(required(f"{mpath}.name"))
        if name not in volumes:
            errs.append(FieldError(NOT_FOUND, f"{mpath}.name", name))
        if not mount_path:
            errs.append(required(f"{mpath}.mountPath"))
        if mount_path in mount_points:
            errs.append(invalid(f"{mpath}.mountPath", mount_path, "must be unique"))
        mount_points.add(mount_path)
        if name in devices:
            errs.append(invalid(f"{mpath}.name", name, "must not already exist in volumeDevices"))
        if mount_path in devices.values():
            errs.append(
                invalid(
                    f"{mpath}.mountPath",
                    mount_path,
                    "must not already exist as a path in volumeDevices",
                )
            )
        errs += _mount_details(mnt, c, path, mpath)
    return errs


def _mount_details(mnt: Mapping[str, Any], c: Mapping[str, Any], path: str, mpath: str) -> Errs:
    errs: Errs = []
    sub_path, sub_expr = mnt.get("subPath") or "", mnt.get("subPathExpr") or ""
    if sub_path:
        errs += _local_descending_path(sub_path, f"{path}.subPath")
    if sub_expr:
        if sub_path:
            errs.append(
                invalid(
                    f"{mpath}.subPathExpr",
                    sub_expr,
                    "subPathExpr and subPath are mutually exclusive",
                )
            )
        errs += _local_descending_path(sub_expr, f"{path}.subPathExpr")
    propagation = mnt.get("mountPropagation")
    if propagation is not None:
        ppath = f"{path}.mountPropagation"
        if propagation not in MOUNT_PROPAGATIONS:
            errs.append(not_supported(ppath, propagation, MOUNT_PROPAGATIONS))
        privileged = _map(c.get("securityContext")).get("privileged") is True
        if propagation == "Bidirectional" and not privileged:
            errs.append(
                forbidden(
                    ppath,
                    "Bidirectional mount propagation is available only to privileged containers",
                )
            )
    rro = mnt.get("recursiveReadOnly")
    if rro is not None and rro != "Disabled":
        rpath = f"{path}.recursiveReadOnly"
        if rro not in RECURSIVE_READ_ONLY:
            errs.append(not_supported(rpath, rro, RECURSIVE_READ_ONLY))
        else:
            if not mnt.get("readOnly"):
                errs.append(forbidden(rpath, "may only be specified when readOnly is true"))
            if propagation not in (None, "None"):
                errs.append(
                    forbidden(
                        rpath,
                        "may only be specified when mountPropagation is None or not specified",
                    )
                )
    return errs


def _volume_devices(c: Mapping[str, Any], volumes: Mapping[str, Any], path: str) -> Errs:
    """ValidateVolumeDevices."""
    errs: Errs = []
    mounts = {_map(m).get("name"): _map(m).get("mountPath") for m in _items(c.get("volumeMounts"))}
    names: set[str] = set()
    dev_paths: set[str] = set()
    for i, dev in enumerate(_items(c.get("volumeDevices"))):
        dev = _map(dev)
        dpath = f"{path}[{i}]"
        name, dev_path = dev.get("name") or "", dev.get("devicePath") or ""
        vol = volumes.get(name)
        if not name:
            errs.append(required(f"{dpath}.name"))
        if name in names:
            errs.append(invalid(f"{dpath}.name", name, "must be unique"))
        if (
            vol is not None
            and vol.get("persistentVolumeClaim") is None
            and vol.get("ephemeral") is None
        ):
            errs.append(
                invalid(
                    f"{dpath}.name",
                    name,
                    "can only use volume source type of "
                    "PersistentVolumeClaim or Ephemeral for block mode",
                )
            )
        if vol is None:
            errs.append(FieldError(NOT_FOUND, f"{dpath}.name", name))
        if not dev_path:
            errs.append(required(f"{dpath}.devicePath"))
        if dev_path in dev_paths:
            errs.append(invalid(f"{dpath}.devicePath", dev_path, "must be unique"))
        if dev_path and _path_no_backsteps(dev_path, ""):
            errs.append(
                invalid(f"{dpath}.devicePath", dev_path, "can not contain backsteps ('..')")
            )
        else:
            dev_paths.add(dev_path)
        if name in mounts:
            errs.append(invalid(f"{dpath}.name", name, "must not already exist in volumeMounts"))
        if dev_path in mounts.values():
            errs.append(
                invalid(
                    f"{dpath}.devicePath",
                    dev_path,
                    "must not already exist as a path in volumeMounts",
                )
            )
        if name:
            names.add(name)
    return errs


# Resource names: pkg/apis/core/helper/helpers.go
_STANDARD_CONTAINER_RESOURCES = frozenset(("cpu", "memory", "ephemeral-storage"))
_STANDARD_RESOURCES = frozenset(
    (
        "cpu",
        "memory",
        "ephemeral-storage",
        "requests.cpu",
        "requests.memory",
        "requests.ephemeral-storage",
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "storage",
        "requests.storage",
        "services.nodeports",
        "services.loadbalancers",
    )
)
_INTEGER_RESOURCES = frozenset(
    (
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "services.nodeports",
        "services.loadbalancers",
    )
)
_QOS_RESOURCES = ("cpu", "memory")


def _is_native_resource(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def _is_huge_pages(name: str) -> bool:
    return name.startswith("hugepages-")


def _is_extended_resource(name: str) -> bool:
    if _is_native_resource(name) or name.startswith("requests."):
        return False
    return not is_qualified_name("requests." + name)


def _is_overcommit_allowed(name: str) -> bool:
    return _is_native_resource(name) and not _is_huge_pages(name)


def _is_integer_resource(name: str) -> bool:
    return name in _INTEGER_RESOURCES or _is_extended_resource(name)


def _resource_name_errors(name: str, path: str) -> Errs:
    """validateResourceName."""
    errs = [invalid(path, name, m) for m in is_qualified_name(name)]
    if errs:
        return errs
    if "/" not in name and not (
        name in _STANDARD_RESOURCES or name.startswith(("hugepages-", "requests.hugepages-"))
    ):
        return [invalid(path, name, "must be a standard resource type or fully qualified")]
    return []


def _container_resource_name_errors(name: str, path: str) -> Errs:
    """validateContainerResourceName."""
    if name in _STANDARD_CONTAINER_RESOURCES:
        return []
    errs = _resource_name_errors(name, path)
    if "/" not in name:
        if name not in _STANDARD_CONTAINER_RESOURCES and not _is_huge_pages(name):
            errs.append(invalid(path, name, "must be a standard resource for containers"))
    elif not _is_native_resource(name) and not _is_extended_resource(name):
        errs.append(invalid(path, name, "doesn't follow extended resource name standard"))
    return errs


def validate_resource_quantity_value(
    name: str, value: Any, path: str
) -> tuple[Quantity | None, Errs]:
    """ValidateResourceQuantityValue (and the decode error a malformed quantity would raise)."""
    try:
        q = quantity(value)
    except (QuantityError, TypeError, ValueError) as e:
        return None, [invalid(path, value, str(e))]
    errs: Errs = []
    if q.sign() < 0:
        errs.append(invalid(path, str(q), NEGATIVE_ERROR))
    if name in _STANDARD_CONTAINER_RESOURCES:
        return q, errs
    if _is_integer_resource(name) and q.milli_value() % 1000:
        errs.append(invalid(path, GoValue(str(q)), "must be an integer"))
    return q, errs


def _resource_list(
    resources: Any, path: str, huge_pages: list[bool]
) -> tuple[dict[str, Quantity], bool, Errs]:
    """The per-entry half of ValidateResourceRequirements for limits (or overhead)."""
    errs: Errs = []
    parsed: dict[str, Quantity] = {}
    cpu_or_memory = False
    for name, value in _map(resources).items():
        rpath = f"{path}[{name}]"
        errs += _container_resource_name_errors(name, rpath)
        q, qerrs = validate_resource_quantity_value(name, value, rpath)
        errs += qerrs
        if q is not None:
            parsed[name] = q
        if _is_huge_pages(name):
            huge_pages[0] = True
        if name in _QOS_RESOURCES:
            cpu_or_memory = True
    return parsed, cpu_or_memory, errs


def _resource_requirements(res: Any, path: str) -> Errs:
    """ValidateResourceRequirements (huge page divisibility is not checked)."""
    res = _map(res)
    if not res:
        return []
    lim_path, req_path = f"{path}.limits", f"{path}.requests"
    huge = [False]
    limits, lim_cpu_mem, errs = _resource_list(res.get("limits"), lim_path, huge)
    req_cpu_mem = False
    for name, value in _map(res.get("requests")).items():
        rpath = f"{req_path}[{name}]"
        errs += _container_resource_name_errors(name, rpath)
        q, qerrs = validate_resource_quantity_value(name, value, rpath)
        errs += qerrs
        limit = limits.get(name)
        if q is not None and limit is not None:
            if q != limit and not _is_overcommit_allowed(name):
                errs.append(invalid(req_path, str(q), f"must be equal to {name} limit of {limit}"))
            elif q > limit:
                errs.append(
                    invalid(
                        req_path, str(q), f"must be less than or equal to {name} limit of {limit}"
                    )
                )
        elif (
            limit is None
            and name not in _map(res.get("limits"))
            and not _is_overcommit_allowed(name)
        ):
            errs.append(required(lim_path, "Limit must be set for non overcommitable resources"))
        if _is_huge_pages(name):
            huge[0] = True
        if name in _QOS_RESOURCES:
            req_cpu_mem = True
    if not lim_cpu_mem and not req_cpu_mem and huge[0]:
        errs.append(forbidden(path, "HugePages require cpu or memory"))
    return errs


def _resize_policy(policies: Any, path: str, restart_policy: Any) -> Errs:
    """validateResizePolicy."""
    errs: Errs = []
    seen: set[str] = set()
    for i, p in enumerate(_items(policies)):
        p = _map(p)
        name, policy = p.get("resourceName") or "", p.get("restartPolicy") or ""
        if name in seen:
            errs.append(duplicate(f"{path}[{i}]", name))
        seen.add(name)
        if not name:
            errs.append(required(path))
        elif name not in _QOS_RESOURCES:
            errs.append(not_supported(path, name, _QOS_RESOURCES))
        if not policy:
            errs.append(required(path))
        elif policy not in ("NotRequired", "RestartContainer"):
            errs.append(not_supported(path, policy, ("NotRequired", "RestartContainer")))
        if restart_policy == "Never" and policy != "NotRequired":
            errs.append(
                invalid(path, policy, "must be 'NotRequired' when `restartPolicy` is 'Never'")
            )
    return errs


def _id_errors(value: Any, path: str) -> Errs:
    """validation.IsValidUserID / IsValidGroupID: 0 to 2^32-1."""
    if value is not None and (_int(value) is None or not 0 <= value <= 0xFFFFFFFF):
        return [invalid(path, value, inclusive_range_error(0, 0xFFFFFFFF))]
    return []


def _seccomp_profile(sp: Any, path: str) -> Errs:
    """validateSeccompProfileField."""
    if sp is None:
        return []
    sp = _map(sp)
    errs: Errs = []
    sp_type = sp.get("type") or ""
    if not sp_type:
        errs.append(required(f"{path}.type", "type is required when seccompProfile is set"))
    elif sp_type not in SECCOMP_TYPES:
        errs.append(not_supported(f"{path}.type", sp_type, SECCOMP_TYPES))
    local = sp.get("localhostProfile")
    if sp_type == "Localhost":
        if local is None:
            errs.append(
                required(f"{path}.localhostProfile", "must be set when seccomp type is Localhost")
            )
        else:
            errs += _local_descending_path(local, f"{path}.localhostProfile")
    elif local is not None:
        errs.append(
            invalid(
                f"{path}.localhostProfile",
                _go_seccomp(sp),
                "can only be set when seccomp type is Localhost",
            )
        )
    return errs


def _go_seccomp(sp: Mapping[str, Any]) -> GoValue:
    return GoValue(
        f"core.SeccompProfile{{Type:{go_str(sp.get('type', ''))}, "
        f"LocalhostProfile:(*string)(0xc000000000)}}"
    )


def _security_context(sc: Any, path: str) -> Errs:
    """ValidateSecurityContext (privileged containers are allowed, as --allow-privileged)."""
    if sc is None:
        return []
    sc = _map(sc)
    errs = _id_errors(sc.get("runAsUser"), f"{path}.runAsUser")
    errs += _id_errors(sc.get("runAsGroup"), f"{path}.runAsGroup")
    proc_mount = sc.get("procMount")
    if proc_mount is not None:
        if proc_mount not in PROC_MOUNT_TYPES:
            errs.append(not_supported(f"{path}.procMount", proc_mount, PROC_MOUNT_TYPES))
        if proc_mount == "Unmasked":  # hostUsers is always true: UserNamespacesSupport is off
            errs.append(
                invalid(
                    f"{path}.procMount", proc_mount, "`hostUsers` must be false to use `Unmasked`"
                )
            )
    errs += _seccomp_profile(sc.get("seccompProfile"), f"{path}.seccompProfile")
    if sc.get("allowPrivilegeEscalation") is False:
        if sc.get("privileged") is True:
            errs.append(
                invalid(
                    path,
                    GoValue("core.SecurityContext{...}"),
                    "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
                )
            )
        for cap in _items(_map(sc.get("capabilities")).get("add")):
            if cap == "CAP_SYS_ADMIN":
                errs.append(
                    invalid(
                        path,
                        GoValue("core.SecurityContext{...}"),
                        "cannot set `allowPrivilegeEscalation` to false and "
                        "`capabilities.Add` CAP_SYS_ADMIN",
                    )
                )
    return errs


def _port_num_or_name(port: Any, path: str) -> Errs:
    """ValidatePortNumOrName for an IntOrString port."""
    if isinstance(port, str):
        return [invalid(path, port, m) for m in is_valid_port_name(port)]
    if _int(port) is None or not 1 <= port <= 65535:
        return [invalid(path, port if port is not None else 0, inclusive_range_error(1, 65535))]
    return []


def _http_get(action: Mapping[str, Any], path: str) -> Errs:
    """validateHTTPGetAction."""
    errs: Errs = []
    if not action.get("path"):
        errs.append(required(f"{path}.path"))
    errs += _port_num_or_name(action.get("port"), f"{path}.port")
    scheme = action.get("scheme") or ""
    if scheme not in HTTP_SCHEMES:
        errs.append(not_supported(f"{path}.scheme", scheme, HTTP_SCHEMES))
    header_msg = regex_error(
        "a valid HTTP header must consist of alphanumeric characters or '-'",
        _HTTP_HEADER_FMT,
        "X-Header-Name",
    )
    for header in _items(action.get("httpHeaders")):
        name = _map(header).get("name") or ""
        if not _http_header_re.match(name):
            errs.append(invalid(f"{path}.httpHeaders", name, header_msg))
    return errs


def _sleep_action(action: Mapping[str, Any], grace: Any, path: str) -> Errs:
    """validateSleepAction."""
    seconds = _int(action.get("seconds")) or 0
    limit = _int(grace)
    if limit is not None and (seconds <= 0 or seconds > limit):
        detail = f"must be greater than 0 and less than terminationGracePeriodSeconds ({limit})"
        return [invalid(path, seconds, detail)]
    return []


def _handler(h: Mapping[str, Any], grace: Any, path: str, kinds: tuple[str, ...]) -> Errs:
    """validateHandler over a probe's or lifecycle hook's handler kinds."""
    errs: Errs = []
    count = 0
    for kind in kinds:
        action = h.get(kind)
        if action is None:
            continue
        if count:
            errs.append(forbidden(f"{path}.{kind}", ONE_HANDLER_TYPE))
            continue
        count += 1
        action = _map(action)
        apath = f"{path}.{kind}"
        if kind == "exec":
            if not action.get("command"):
                errs.append(required(f"{apath}.command"))
        elif kind == "httpGet":
            errs += _http_get(action, apath)
        elif kind == "tcpSocket":
            errs += _port_num_or_name(action.get("port"), f"{apath}.port")
        elif kind == "grpc":
            errs += _port_num_or_name(_int(action.get("port")) or 0, f"{apath}.port")
        else:
            errs += _sleep_action(action, grace, apath)
    if not count:
        errs.append(required(path, "must specify a handler type"))
    return errs


_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")


def _probe(probe: Mapping[str, Any], grace: Any, path: str) -> Errs:
    """validateProbe."""
    errs = _handler(probe, grace, path, _PROBE_HANDLERS)
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        value = probe.get(key)
        if isinstance(value, int) and value < 0:
            errs.append(invalid(f"{path}.{key}", value, NEGATIVE_ERROR))
    tgp = probe.get("terminationGracePeriodSeconds")
    if isinstance(tgp, int) and tgp <= 0:
        errs.append(invalid(f"{path}.terminationGracePeriodSeconds", tgp, "must be greater than 0"))
    return errs


def _probes(c: Mapping[str, Any], grace: Any, path: str) -> Errs:
    """validateLivenessProbe, validateReadinessProbe and validateStartupProbe."""
    errs: Errs = []
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = c.get(key)
        if probe is None:
            continue
        probe = _map(probe)
        ppath = f"{path}.{key}"
        errs += _probe(probe, grace, ppath)
        if key == "readinessProbe":
            tgp = probe.get("terminationGracePeriodSeconds")
            if tgp is not None:
                errs.append(
                    invalid(
                        f"{ppath}.terminationGracePeriodSeconds",
                        tgp,
                        "must not be set for readinessProbes",
                    )
                )
        elif probe.get("successThreshold", 0) != 1:
            errs.append(
                invalid(f"{ppath}.successThreshold", probe.get("successThreshold", 0), "must be 1")
            )
    return errs


def _lifecycle(lifecycle: Any, grace: Any, path: str) -> Errs:
    """validateLifecycle."""
    errs: Errs = []
    lifecycle = _map(lifecycle)
    for key in ("postStart", "preStop"):
        hook = lifecycle.get(key)
        if hook is not None:
            errs += _handler(_map(hook), grace, f"{path}.{key}", _LIFECYCLE_HANDLERS)
    return errs


def _container_common(
    c: Mapping[str, Any], volumes: Mapping[str, Any], path: str, restart_policy: Any
) -> Errs:
    """validateContainerCommon."""
    errs: Errs = []
    name = c.get("name") or ""
    if not name:
        errs.append(required(f"{path}.name"))
    else:
        errs += _dns_label_errors(name, f"{path}.name")
    if not c.get("image"):
        errs.append(required(f"{path}.image"))
    tmp = c.get("terminationMessagePolicy") or ""
    if not tmp:
        errs.append(required(f"{path}.terminationMessagePolicy"))
    elif tmp not in TERMINATION_MESSAGE_POLICIES:
        errs.append(
            not_supported(f"{path}.terminationMessagePolicy", tmp, TERMINATION_MESSAGE_POLICIES)
        )
    if "ports" in c:
        errs += _container_ports(c["ports"], f"{path}.ports")
    if "env" in c:
        errs += _env(c["env"], f"{path}.env")
    if "envFrom" in c:
        errs += _env_from(c["envFrom"], f"{path}.envFrom")
    if "volumeMounts" in c:
        errs += _volume_mounts(c, volumes, f"{path}.volumeMounts")
    if "volumeDevices" in c:
        errs += _volume_devices(c, volumes, f"{path}.volumeDevices")
    policy = c.get("imagePullPolicy") or ""
    if policy not in PULL_POLICIES:
        errs.append(
            required(f"{path}.imagePullPolicy")
            if not policy
            else not_supported(f"{path}.imagePullPolicy", policy, PULL_POLICIES)
        )
    if "resources" in c:
        errs += _resource_requirements(c["resources"], f"{path}.resources")
    if "resizePolicy" in c:
        errs += _resize_policy(c["resizePolicy"], f"{path}.resizePolicy", restart_policy)
    if "securityContext" in c:
        errs += _security_context(c["securityContext"], f"{path}.securityContext")
    return errs


def _host_port_conflicts(containers: Iterable[Any], path: str) -> Errs:
    """AccumulateUniqueHostPorts over a set of containers (init containers are checked one at a
    time, so their duplicates are reported at index 0, as upstream does)."""
    errs: Errs = []
    seen: set[str] = set()
    for ci, c in enumerate(containers):
        for pi, port in enumerate(_items(_map(c).get("ports"))):
            port = _map(port)
            host_port = port.get("hostPort")
            if not host_port:
                continue
            key = f"{port.get('protocol', '')}/{port.get('hostIP', '')}/{host_port}"
            if key in seen:
                errs.append(duplicate(f"{path}[{ci}].ports[{pi}].hostPort", key))
            seen.add(key)
    return errs


def _containers(spec: Mapping[str, Any], volumes: Mapping[str, Any], path: str) -> Errs:
    """validateContainers."""
    containers = _items(spec.get("containers"))
    if not containers:
        return [required(path)]
    grace, restart_policy = spec.get("terminationGracePeriodSeconds"), spec.get("restartPolicy")
    errs: Errs = []
    names: set[str] = set()
    for i, c in enumerate(containers):
        c = _map(c)
        cpath = f"{path}[{i}]"
        errs += _container_common(c, volumes, cpath, restart_policy)
        name = c.get("name") or ""
        if name in names:
            errs.append(duplicate(f"{cpath}.name", name))
        names.add(name)
        if c.get("lifecycle") is not None:
            errs += _lifecycle(c["lifecycle"], grace, f"{cpath}.lifecycle")
        errs += _probes(c, grace, cpath)
        if c.get("restartPolicy") is not None:
            errs.append(
                forbidden(f"{cpath}.restartPolicy", "may not be set for non-init containers")
            )
    errs += _host_port_conflicts(containers, path)
    return errs


def _init_containers(spec: Mapping[str, Any], volumes: Mapping[str, Any], path: str) -> Errs:
    """validateInitContainers (restartPolicy: Always makes a sidecar)."""
    grace, restart_policy = spec.get("terminationGracePeriodSeconds"), spec.get("restartPolicy")
    errs: Errs = []
    names = {_map(c).get("name") for c in _items(spec.get("containers"))}
    for i, c in enumerate(_items(spec.get("initContainers"))):
        c = _map(c)
        cpath = f"{path}[{i}]"
        errs += _container_common(c, volumes, cpath, restart_policy)
        sidecar = False
        policy = c.get("restartPolicy")
        if policy is not None:
            if policy != "Always":
                errs.append(not_supported(f"{cpath}.restartPolicy", policy, ("Always",)))
            sidecar = policy == "Always"
        name = c.get("name") or ""
        if name in names:
            errs.append(duplicate(f"{cpath}.name", name))
        elif name:
            names.add(name)
        errs += _host_port_conflicts([c], path)
        errs += _init_container_hooks(c, grace, cpath, sidecar)
        if c.get("resizePolicy"):
            errs.append(
                invalid(
                    f"{cpath}.resizePolicy",
                    GoValue("[]core.ContainerResizePolicy{...}"),
                    "must not be set for init containers",
                )
            )
    return errs


def _init_container_hooks(c: Mapping[str, Any], grace: Any, cpath: str, sidecar: bool) -> Errs:
    if sidecar:
        errs: Errs = []
        if c.get("lifecycle") is not None:
            errs += _lifecycle(c["lifecycle"], grace, f"{cpath}.lifecycle")
        return errs + _probes(c, grace, cpath)
    return [
        forbidden(f"{cpath}.{key}", INIT_PROBE_FORBIDDEN)
        for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe")
        if c.get(key) is not None
    ]


# validateFieldAllowList over EphemeralContainerCommon, in struct field order.
_EPHEMERAL_FORBIDDEN = (
    "ports",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
)


def _ephemeral_containers(spec: Mapping[str, Any], volumes: Mapping[str, Any], path: str) -> Errs:
    """validateEphemeralContainers."""
    ephemeral = _items(spec.get("ephemeralContainers"))
    if not ephemeral:
        return []
    others = {
        _map(c).get("name")
        for key in ("containers", "initContainers")
        for c in _items(spec.get(key))
    }
    names = set(others)
    errs: Errs = []
    for i, c in enumerate(ephemeral):
        c = _map(c)
        cpath = f"{path}[{i}]"
        errs += _container_common(c, volumes, cpath, spec.get("restartPolicy"))
        errs += _image_whitespace(c, cpath)
        name = c.get("name") or ""
        if name in names:
            errs.append(duplicate(f"{cpath}.name", name))
        names.add(name)
        target = c.get("targetContainerName")
        if target and target not in others:
            errs.append(FieldError(NOT_FOUND, f"{cpath}.targetContainerName", target))
        for key in _EPHEMERAL_FORBIDDEN:
            if c.get(key):
                errs.append(forbidden(f"{cpath}.{key}", "cannot be set for an Ephemeral Container"))
        for j, mnt in enumerate(_items(c.get("volumeMounts"))):
            for key in ("subPath", "subPathExpr"):
                if _map(mnt).get(key):
                    errs.append(
                        forbidden(
                            f"{cpath}.volumeMounts[{j}].{key}",
                            "cannot be set for an Ephemeral Container",
                        )
                    )
    return errs


def _image_whitespace(c: Mapping[str, Any], path: str) -> Errs:
    """validateContainerOnlyForPod."""
    image = c.get("image")
    if isinstance(image, str) and image != image.strip():
        return [invalid(f"{path}.image", image, "must not have leading or trailing whitespace")]
    return []


# --------------------------------------------------------------------------------------------
# Scheduling constraints: affinity, tolerations, topology spread (validation.go)
# --------------------------------------------------------------------------------------------


def _node_selector_requirement(rq: Mapping[str, Any], path: str) -> Errs:
    """ValidateNodeSelectorRequirement."""
    errs: Errs = []
    op, values = rq.get("operator"), _items(rq.get("values"))
    if op in ("In", "NotIn"):
        if not values:
            errs.append(
                required(f"{path}.values", "must be specified when `operator` is 'In' or 'NotIn'")
            )
    elif op in ("Exists", "DoesNotExist"):
        if values:
            errs.append(
                forbidden(
                    f"{path}.values",
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                )
            )
    elif op in ("Gt", "Lt"):
        if len(values) != 1:
            errs.append(
                required(
                    f"{path}.values",
                    "must be specified single value when `operator` is 'Lt' or 'Gt'",
                )
            )
    else:
        errs.append(
            invalid(
                f"{path}.operator", op if op is not None else "", "not a valid selector operator"
            )
        )
    return errs + label_name_errors(rq.get("key", ""), f"{path}.key")


def _node_field_selector_requirement(rq: Mapping[str, Any], path: str) -> Errs:
    """ValidateNodeFieldSelectorRequirement."""
    errs: Errs = []
    op, values = rq.get("operator"), _items(rq.get("values"))
    if op in ("In", "NotIn"):
        if len(values) != 1:
            errs.append(
                required(
                    f"{path}.values",
                    "must be only one value when `operator` is "
                    "'In' or 'NotIn' for node field selector",
                )
            )
    else:
        errs.append(
            invalid(
                f"{path}.operator", op if op is not None else "", "not a valid selector operator"
            )
        )
    key = rq.get("key", "")
    if key != "metadata.name":
        errs.append(invalid(f"{path}.key", key, "not a valid field selector key"))
    else:
        for i, v in enumerate(values):
            errs += [invalid(f"{path}.values[{i}]", v, m) for m in name_is_dns_subdomain(v, False)]
    return errs


def _node_selector_term(term: Mapping[str, Any], path: str) -> Errs:
    """ValidateNodeSelectorTerm."""
    errs: Errs = []
    for j, rq in enumerate(_items(term.get("matchExpressions"))):
        errs += _node_selector_requirement(_map(rq), f"{path}.matchExpressions[{j}]")
    for j, rq in enumerate(_items(term.get("matchFields"))):
        errs += _node_field_selector_requirement(_map(rq), f"{path}.matchFields[{j}]")
    return errs


def validate_node_selector(selector: Mapping[str, Any], path: str) -> Errs:
    """ValidateNodeSelector (a required node affinity, or a PV's node affinity)."""
    terms = _items(selector.get("nodeSelectorTerms"))
    tpath = f"{path}.nodeSelectorTerms"
    if not terms:
        return [required(tpath, "must have at least one node selector term")]
    errs: Errs = []
    for i, term in enumerate(terms):
        errs += _node_selector_term(_map(term), f"{tpath}[{i}]")
    return errs


def _weight_errors(weight: Any, path: str) -> Errs:
    if _int(weight) is None or not 1 <= weight <= 100:
        return [invalid(path, weight if weight is not None else 0, "must be in the range 1-100")]
    return []


def _node_affinity(na: Mapping[str, Any], path: str) -> Errs:
    """validateNodeAffinity and ValidatePreferredSchedulingTerms."""
    errs: Errs = []
    req = na.get("requiredDuringSchedulingIgnoredDuringExecution")
    if req is not None:
        errs += validate_node_selector(
            _map(req), f"{path}.requiredDuringSchedulingIgnoredDuringExecution"
        )
    ppath = f"{path}.preferredDuringSchedulingIgnoredDuringExecution"
    for i, term in enumerate(_items(na.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        term = _map(term)
        errs += _weight_errors(term.get("weight"), f"{ppath}[{i}].weight")
        errs += _node_selector_term(_map(term.get("preference")), f"{ppath}[{i}].preference")
    return errs


def _label_keys(keys: list[Any], selector: Any, path: str) -> Errs:
    """validateLabelKeys (matchLabelKeys / mismatchLabelKeys of a pod affinity term)."""
    if not keys:
        return []
    if selector is None:
        return [forbidden(path, "must not be specified when labelSelector is not set")]
    errs: Errs = []
    for i, key in enumerate(keys):
        errs += label_name_errors(key, f"{path}[{i}]")
    return errs


def _match_label_keys(term: Mapping[str, Any], path: str) -> Errs:
    """validateMatchLabelKeysAndMismatchLabelKeys."""
    match, mismatch = _items(term.get("matchLabelKeys")), _items(term.get("mismatchLabelKeys"))
    selector = term.get("labelSelector")
    errs = _label_keys(match, selector, f"{path}.matchLabelKeys")
    errs += _label_keys(mismatch, selector, f"{path}.mismatchLabelKeys")
    if selector is not None:
        index = {k: i for i, k in enumerate(match) if isinstance(k, str)}
        seen: set[Any] = set(_map(_map(selector).get("matchLabels")))
        for expr in _items(_map(selector).get("matchExpressions")):
            key = _map(expr).get("key")
            if key in index and key in seen:
                errs.append(
                    invalid(
                        f"{path}[{index[key]}]",
                        key,
                        "exists in both matchLabelKeys and labelSelector",
                    )
                )
            seen.add(key)
    mismatch_set = set(k for k in mismatch if isinstance(k, str))
    for i, k in enumerate(match):
        if k in mismatch_set:
            errs.append(
                invalid(
                    f"{path}.matchLabelKeys[{i}]",
                    k,
                    "exists in both matchLabelKeys and mismatchLabelKeys",
                )
            )
    return errs


def _pod_affinity_term(term: Mapping[str, Any], path: str) -> Errs:
    """validatePodAffinityTerm."""
    errs = validate_label_selector(term.get("labelSelector"), f"{path}.labelSelector")
    errs += validate_label_selector(term.get("namespaceSelector"), f"{path}.namespaceSelector")
    for name in _items(term.get("namespaces")):
        errs += [invalid(f"{path}.namespace", name, m) for m in name_is_dns_label(name, False)]
    errs += _match_label_keys(term, path)
    topology_key = term.get("topologyKey") or ""
    if not topology_key:
        errs.append(required(f"{path}.topologyKey", "can not be empty"))
    return errs + label_name_errors(topology_key, f"{path}.topologyKey")


def _pod_affinity(pa: Mapping[str, Any], path: str) -> Errs:
    """validatePodAffinity / validatePodAntiAffinity."""
    errs: Errs = []
    rpath = f"{path}.requiredDuringSchedulingIgnoredDuringExecution"
    for i, term in enumerate(_items(pa.get("requiredDuringSchedulingIgnoredDuringExecution"))):
        errs += _pod_affinity_term(_map(term), f"{rpath}[{i}]")
    ppath = f"{path}.preferredDuringSchedulingIgnoredDuringExecution"
    for i, term in enumerate(_items(pa.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        term = _map(term)
        errs += _weight_errors(term.get("weight"), f"{ppath}[{i}].weight")
        errs += _pod_affinity_term(
            _map(term.get("podAffinityTerm")), f"{ppath}[{i}].podAffinityTerm"
        )
    return errs


def _affinity(affinity: Any, path: str) -> Errs:
    """validateAffinity."""
    affinity = _map(affinity)
    errs: Errs = []
    if affinity.get("nodeAffinity") is not None:
        errs += _node_affinity(_map(affinity["nodeAffinity"]), f"{path}.nodeAffinity")
    for key in ("podAffinity", "podAntiAffinity"):
        if affinity.get(key) is not None:
            errs += _pod_affinity(_map(affinity[key]), f"{path}.{key}")
    return errs


def validate_taint_effect(effect: Any, allow_empty: bool, path: str) -> Errs:
    """validateTaintEffect."""
    if not allow_empty and not effect:
        return [required(path)]
    if effect not in TAINT_EFFECTS:
        return [not_supported(path, effect, TAINT_EFFECTS)]
    return []


def _go_toleration(t: Mapping[str, Any]) -> GoValue:
    seconds = "(*int64)(nil)" if t.get("tolerationSeconds") is None else "(*int64)(0xc000000000)"
    return GoValue(
        f"core.Toleration{{Key:{go_str(t.get('key', ''))}, "
        f"Operator:{go_str(t.get('operator', ''))}, Value:{go_str(t.get('value', ''))}, "
        f"Effect:{go_str(t.get('effect', ''))}, TolerationSeconds:{seconds}}}"
    )


def validate_tolerations(tolerations: Any, path: str) -> Errs:
    """ValidateTolerations."""
    errs: Errs = []
    for i, t in enumerate(_items(tolerations)):
        t = _map(t)
        tpath = f"{path}[{i}]"
        key, op = t.get("key") or "", t.get("operator") or ""
        value, effect = t.get("value") or "", t.get("effect") or ""
        if key:
            errs += label_name_errors(key, f"{tpath}.key")
        if not key and op != "Exists":
            errs.append(
                invalid(
                    f"{tpath}.operator",
                    op,
                    "operator must be Exists when `key` is "
                    'empty, which means "match all values and all keys"',
                )
            )
        if t.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(
                invalid(
                    f"{tpath}.effect",
                    effect,
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                )
            )
        if op in ("Equal", ""):
            msgs = is_valid_label_value(value)
            if msgs:
                errs.append(invalid(f"{tpath}.operator", value, ";".join(msgs)))
        elif op == "Exists":
            if value:
                errs.append(
                    invalid(
                        f"{tpath}.operator",
                        _go_toleration(t),
                        "value must be empty when `operator` is 'Exists'",
                    )
                )
        else:
            errs.append(not_supported(f"{tpath}.operator", op, TOLERATION_OPERATORS))
        if effect:
            errs += validate_taint_effect(effect, True, f"{tpath}.effect")
    return errs


def _spread_constraint(c: Mapping[str, Any], rest: list[Any], path: str) -> Errs:
    """One entry of validateTopologySpreadConstraints."""
    errs: Errs = []
    max_skew, key, action = (
        c.get("maxSkew", 0),
        c.get("topologyKey") or "",
        c.get("whenUnsatisfiable") or "",
    )
    if _int(max_skew) is None or max_skew <= 0:
        errs.append(invalid(f"{path}.maxSkew", max_skew, NOT_POSITIVE_ERROR))
    if not key:
        errs.append(required(f"{path}.topologyKey", "can not be empty"))
    if action not in WHEN_UNSATISFIABLE:
        errs.append(not_supported(f"{path}.whenUnsatisfiable", action, WHEN_UNSATISFIABLE))
    for other in rest:
        other = _map(other)
        if other.get("topologyKey", "") == key and other.get("whenUnsatisfiable", "") == action:
            errs.append(
                duplicate(f"{path}.{{topologyKey, whenUnsatisfiable}}", f"{{{key}, {action}}}")
            )
            break
    min_domains = c.get("minDomains")
    if min_domains is not None:
        if _int(min_domains) is None or min_domains <= 0:
            errs.append(invalid(f"{path}.minDomains", min_domains, NOT_POSITIVE_ERROR))
        if action != "DoNotSchedule":
            errs.append(
                invalid(
                    f"{path}.minDomains",
                    min_domains,
                    f"can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action}",
                )
            )
    for policy_key in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
        policy = c.get(policy_key)
        if policy is not None and policy not in NODE_INCLUSION_POLICIES:
            errs.append(not_supported(f"{path}.{policy_key}", policy, NODE_INCLUSION_POLICIES))
    errs += _spread_match_label_keys(c, f"{path}.matchLabelKeys")
    return errs + validate_label_selector(c.get("labelSelector"), f"{path}.labelSelector")


def _spread_match_label_keys(c: Mapping[str, Any], path: str) -> Errs:
    """validateMatchLabelKeysInTopologySpread."""
    keys = _items(c.get("matchLabelKeys"))
    if not keys:
        return []
    selector = c.get("labelSelector")
    errs: Errs = []
    in_selector: set[Any] = set()
    if selector is not None:
        in_selector = set(_map(_map(selector).get("matchLabels")))
        in_selector |= {_map(e).get("key") for e in _items(_map(selector).get("matchExpressions"))}
    else:
        errs.append(forbidden(path, "must not be specified when labelSelector is not set"))
    for i, key in enumerate(keys):
        errs += label_name_errors(key, f"{path}[{i}]")
        if key in in_selector:
            errs.append(
                invalid(f"{path}[{i}]", key, "exists in both matchLabelKeys and labelSelector")
            )
    return errs


def _topology_spread_constraints(constraints: Any, path: str) -> Errs:
    errs: Errs = []
    items = _items(constraints)
    for i, c in enumerate(items):
        errs += _spread_constraint(_map(c), items[i + 1 :], f"{path}[{i}]")
    return errs


# --------------------------------------------------------------------------------------------
# The rest of the PodSpec: security context, DNS, gates, aliases, OS, overhead
# --------------------------------------------------------------------------------------------


def _sysctls(sysctls: list[Any], path: str) -> Errs:
    """validateSysctls (the hostNetwork/hostIPC namespace rules are not modelled)."""
    errs: Errs = []
    names: set[str] = set()
    for i, s in enumerate(sysctls):
        name = _map(s).get("name") or ""
        npath = f"{path}[{i}].name"
        if not name:
            errs.append(required(npath))
        elif len(name) > 253 or not _sysctl_re.match(name):
            errs.append(
                invalid(
                    npath, name, f"must have at most 253 characters and match regex {_SYSCTL_FMT}"
                )
            )
        elif name in names:
            errs.append(duplicate(npath, name))
        names.add(name)
    return errs


def _pod_security_context(spec: Mapping[str, Any], path: str) -> Errs:
    """validatePodSpecSecurityContext (Windows options are not modelled)."""
    sc = spec.get("securityContext")
    if not sc and not (spec.get("shareProcessNamespace") and spec.get("hostPID")):
        return []
    sc = _map(sc)
    errs = _id_errors(sc.get("fsGroup"), f"{path}.fsGroup")
    errs += _id_errors(sc.get("runAsUser"), f"{path}.runAsUser")
    errs += _id_errors(sc.get("runAsGroup"), f"{path}.runAsGroup")
    for g, gid in enumerate(_items(sc.get("supplementalGroups"))):
        errs += _id_errors(gid, f"{path}.supplementalGroups[{g}]")
    share = spec.get("shareProcessNamespace")
    if share is True and spec.get("hostPID"):
        errs.append(
            invalid(
                f"{path}.shareProcessNamespace",
                True,
                "ShareProcessNamespace and HostPID cannot both be enabled",
            )
        )
    if sc.get("sysctls"):
        errs += _sysctls(_items(sc["sysctls"]), f"{path}.sysctls")
    policy = sc.get("fsGroupChangePolicy")
    if policy is not None and policy not in FS_GROUP_CHANGE_POLICIES:
        errs.append(not_supported(f"{path}.fsGroupChangePolicy", policy, FS_GROUP_CHANGE_POLICIES))
    errs += _seccomp_profile(sc.get("seccompProfile"), f"{path}.seccompProfile")
    policy = sc.get("supplementalGroupsPolicy")
    if policy is not None and policy not in SUPPLEMENTAL_GROUPS_POLICIES:
        errs.append(
            not_supported(f"{path}.supplementalGroupsPolicy", policy, SUPPLEMENTAL_GROUPS_POLICIES)
        )
    return errs


def _ip_errors(value: Any, path: str) -> Errs:
    """validation.IsValidIP (Go's ParseIPSloppy accepts leading zeros in IPv4 octets)."""
    if isinstance(value, str) and _parse_ip(value) is not None:
        return []
    return [invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]


def _parse_ip(value: str) -> Any:
    import ipaddress

    try:
        if ":" in value:
            return ipaddress.IPv6Address(value)
        parts = value.split(".")
        if len(parts) != 4 or not all(p.isdigit() and len(p) <= 3 for p in parts):
            return None
        return ipaddress.IPv4Address(".".join(str(int(p)) for p in parts))
    except ValueError:
        return None


def _dns_config(spec: Mapping[str, Any], path: str) -> Errs:
    """validatePodDNSConfig."""
    config = spec.get("dnsConfig")
    if spec.get("dnsPolicy") == "None":
        if config is None:
            return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not _items(_map(config).get("nameservers")):
            return [
                required(
                    f"{path}.nameservers",
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                )
            ]
    if config is None:
        return []
    config = _map(config)
    errs: Errs = []
    nameservers, searches = _items(config.get("nameservers")), _items(config.get("searches"))
    if len(nameservers) > 3:
        errs.append(
            invalid(
                f"{path}.nameservers",
                go_string_list(nameservers),
                "must not have more than 3 nameservers",
            )
        )
    for i, ns in enumerate(nameservers):
        errs += _ip_errors(ns, f"{path}.nameservers[{i}]")
    if len(searches) > 32:
        errs.append(
            invalid(
                f"{path}.searches",
                go_string_list(searches),
                "must not have more than 32 search paths",
            )
        )
    if len(" ".join(str(s) for s in searches)) > 2048:
        errs.append(
            invalid(
                f"{path}.searches",
                go_string_list(searches),
                "must not have more than 2048 characters (including spaces) in the search list",
            )
        )
    for i, search in enumerate(searches):
        search = str(search).removesuffix(".")
        errs += _dns_subdomain_errors(search, f"{path}.searches[{i}]")
    for i, option in enumerate(_items(config.get("options"))):
        if not _map(option).get("name"):
            errs.append(required(f"{path}.options[{i}]", "must not be empty"))
    return errs


def _host_network_deps(spec: Mapping[str, Any], path: str, is_pod: bool) -> Errs:
    """validatePodHostNetworkDeps."""
    if not spec.get("hostNetwork"):
        return []
    errs: Errs = []
    for i, c in enumerate(_items(spec.get("containers"))):
        for j, port in enumerate(_items(_map(c).get("ports"))):
            port = _map(port)
            hp, cp = port.get("hostPort", 0), port.get("containerPort", 0)
            if (is_pod or hp) and hp != cp:
                errs.append(
                    invalid(
                        f"{path}.containers[{i}].ports[{j}].hostPort",
                        hp,
                        "must match `containerPort` when `hostNetwork` is true",
                    )
                )
    return errs


def _gates(spec: Mapping[str, Any], path: str) -> Errs:
    """validateReadinessGates and validateSchedulingGates."""
    errs: Errs = []
    for i, gate in enumerate(_items(spec.get("readinessGates"))):
        cond = _map(gate).get("conditionType", "")
        cpath = f"{path}.readinessGates[{i}].conditionType"
        errs += [invalid(cpath, cond, m) for m in is_qualified_name(cond)]
    seen: set[str] = set()
    for i, gate in enumerate(_items(spec.get("schedulingGates"))):
        name = _map(gate).get("name", "")
        gpath = f"{path}.schedulingGates[{i}]"
        errs += [invalid(gpath, name, m) for m in is_qualified_name(name)]
        if name in seen:
            errs.append(duplicate(gpath, name))
        seen.add(name)
    return errs


def _host_aliases(aliases: Any, path: str) -> Errs:
    """ValidateHostAliases."""
    errs: Errs = []
    for i, alias in enumerate(_items(aliases)):
        alias = _map(alias)
        errs += _ip_errors(alias.get("ip", ""), f"{path}[{i}].ip")
        for j, hostname in enumerate(_items(alias.get("hostnames"))):
            errs += _dns_subdomain_errors(hostname, f"{path}[{i}].hostnames[{j}]")
    return errs


def _host_users(spec: Mapping[str, Any], path: str) -> Errs:
    """validateHostUsers (upstream spells the last two paths HostPID and HostIPC)."""
    if _map(spec.get("securityContext")).get("hostUsers") is not False:
        return []
    errs: Errs = []
    for key, name in (
        ("hostNetwork", "hostNetwork"),
        ("hostPID", "HostPID"),
        ("hostIPC", "HostIPC"),
    ):
        if spec.get(key):
            errs.append(forbidden(f"{path}.{name}", "when `pod.Spec.HostUsers` is false"))
    return errs


def _os(spec: Mapping[str, Any], path: str) -> Errs:
    """validateOS (the Linux/Windows-specific field rules are not modelled)."""
    os_spec = spec.get("os")
    if os_spec is None:
        return []
    name = _map(os_spec).get("name") or ""
    if not name:
        return [required(f"{path}.name", "cannot be empty")]
    if name not in OS_NAMES:
        return [not_supported(path, name, OS_NAMES)]
    return []


def _overhead(overhead: Any, path: str) -> Errs:
    """validateOverhead: upstream reuses the container rules with Limits=overhead, so errors
    name `spec.overhead.limits[...]`."""
    huge = [False]
    _, cpu_or_memory, errs = _resource_list(overhead, f"{path}.limits", huge)
    if huge[0] and not cpu_or_memory:
        errs.append(forbidden(path, "HugePages require cpu or memory"))
    return errs


def _spec_names(spec: Mapping[str, Any], path: str) -> Errs:
    """serviceAccountName, nodeName, activeDeadlineSeconds, hostname and subdomain."""
    errs: Errs = []
    for key in ("serviceAccountName", "nodeName"):
        value = spec.get(key)
        if value:
            errs += [
                invalid(f"{path}.{key}", value, m) for m in name_is_dns_subdomain(value, False)
            ]
    ads = spec.get("activeDeadlineSeconds")
    if ads is not None and (_int(ads) is None or not 1 <= ads <= MAX_INT32):
        errs.append(
            invalid(f"{path}.activeDeadlineSeconds", ads, inclusive_range_error(1, MAX_INT32))
        )
    for key in ("hostname", "subdomain"):
        value = spec.get(key)
        if value:
            errs += _dns_label_errors(value, f"{path}.{key}")
    return errs


def _spec_tail(spec: Mapping[str, Any], path: str) -> Errs:
    """The end of ValidatePodSpec: tolerations through OS."""
    errs: Errs = []
    if spec.get("tolerations"):
        errs += validate_tolerations(spec["tolerations"], f"{path}.tolerations")
    if spec.get("hostAliases"):
        errs += _host_aliases(spec["hostAliases"], f"{path}.hostAliases")
    for key in ("priorityClassName", "runtimeClassName"):
        value = spec.get(key)
        if value or (key == "runtimeClassName" and value is not None):
            errs += [
                invalid(f"{path}.{key}", value, m) for m in name_is_dns_subdomain(value, False)
            ]
    policy = spec.get("preemptionPolicy")
    if policy is not None:
        if not policy:
            errs.append(required(f"{path}.preemptionPolicy"))
        elif policy not in PREEMPTION_POLICIES:
            errs.append(not_supported(f"{path}.preemptionPolicy", policy, PREEMPTION_POLICIES))
    if spec.get("overhead") is not None:
        errs += _overhead(spec["overhead"], f"{path}.overhead")
    return errs + _os(spec, f"{path}.os")


def validate_pod_spec(spec: Mapping[str, Any], path: str, *, is_pod: bool = False) -> Errs:
    """ValidatePodSpec, in upstream order. `is_pod` is upstream's opts.ResourceIsPod."""
    errs: Errs = []
    if spec.get("terminationGracePeriodSeconds") is None:
        errs.append(required(f"{path}.terminationGracePeriodSeconds"))
    volumes, verrs = _validate_volumes(spec.get("volumes"), f"{path}.volumes")
    errs += verrs
    errs += _containers(spec, volumes, f"{path}.containers")
    if spec.get("initContainers"):
        errs += _init_containers(spec, volumes, f"{path}.initContainers")
    if spec.get("ephemeralContainers"):
        errs += _ephemeral_containers(spec, volumes, f"{path}.ephemeralContainers")
    errs += _host_network_deps(spec, path, is_pod)
    restart_policy = spec.get("restartPolicy") or ""
    if restart_policy not in RESTART_POLICIES:
        errs.append(
            required(f"{path}.restartPolicy")
            if not restart_policy
            else not_supported(f"{path}.restartPolicy", restart_policy, RESTART_POLICIES)
        )
    dns_policy = spec.get("dnsPolicy") or ""
    if dns_policy not in DNS_POLICIES:
        errs.append(
            required(f"{path}.dnsPolicy")
            if not dns_policy
            else not_supported(f"{path}.dnsPolicy", dns_policy, DNS_POLICIES)
        )
    if spec.get("nodeSelector"):
        errs += validate_labels(spec["nodeSelector"], f"{path}.nodeSelector")
    errs += _pod_security_context(spec, f"{path}.securityContext")
    if spec.get("affinity") is not None:
        errs += _affinity(spec["affinity"], f"{path}.affinity")
    errs += _dns_config(spec, f"{path}.dnsConfig")
    errs += _gates(spec, path)
    if spec.get("topologySpreadConstraints"):
        errs += _topology_spread_constraints(
            spec["topologySpreadConstraints"], f"{path}.topologySpreadConstraints"
        )
    errs += _host_users(spec, path)
    errs += _spec_names(spec, path)
    return errs + _spec_tail(spec, path)


# --------------------------------------------------------------------------------------------
# Pods and pod templates: validatePodMetadataAndSpec, ValidatePodCreate, ValidatePodTemplateSpec
# --------------------------------------------------------------------------------------------


def _deletion_cost_valid(value: Any) -> bool:
    """helper.GetDeletionCostFromPodAnnotations: a plain int32, no '+' or leading zeros."""
    if not isinstance(value, str) or not value:
        return False
    if not (value[0] == "-" or value == "0" or "1" <= value[0] <= "9"):
        return False
    try:
        n = int(value, 10)
    except ValueError:
        return False
    return -(2**31) <= n <= MAX_INT32 and value.lstrip("-").isdigit()


def _pod_specific_annotations(annotations: Any, spec: Mapping[str, Any], path: str) -> Errs:
    """ValidatePodSpecificAnnotations (the tolerations, seccomp and AppArmor annotations are
    not modelled)."""
    annotations = _map(annotations)
    if not annotations:
        return []
    errs: Errs = []
    if MIRROR_POD_ANNOTATION in annotations and not spec.get("nodeName"):
        errs.append(
            invalid(
                f"{path}[{MIRROR_POD_ANNOTATION}]",
                annotations[MIRROR_POD_ANNOTATION],
                "must set spec.nodeName if mirror pod annotation is set",
            )
        )
    cost = annotations.get(POD_DELETION_COST_ANNOTATION)
    if cost is not None and not _deletion_cost_valid(cost):
        errs.append(
            invalid(f"{path}[{POD_DELETION_COST_ANNOTATION}]", cost, "must be a 32bit integer")
        )
    return errs


def validate_pod(pod: Mapping[str, Any]) -> Errs:
    """ValidatePodCreate minus ObjectMeta and the create-only ephemeral-containers rule."""
    meta, spec = _map(pod.get("metadata")), _map(pod.get("spec"))
    errs = _pod_specific_annotations(meta.get("annotations"), spec, "metadata.annotations")
    errs += validate_pod_spec(spec, "spec", is_pod=True)
    if not spec.get("serviceAccountName"):
        for vi, vol in enumerate(_items(spec.get("volumes"))):
            projected = _map(vol).get("projected")
            for si, source in enumerate(_items(_map(projected).get("sources"))):
                if _map(source).get("serviceAccountToken") is not None:
                    errs.append(
                        forbidden(
                            f"spec.volumes[{vi}].projected.sources[{si}].serviceAccountToken",
                            "must not be specified when serviceAccountName is not set",
                        )
                    )
    for key in ("containers", "initContainers"):
        for i, c in enumerate(_items(spec.get(key))):
            errs += _image_whitespace(_map(c), f"spec.{key}[{i}]")
    if spec.get("nodeName") and spec.get("schedulingGates"):
        errs.append(
            forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared")
        )
    return errs


def validate_pod_create_only(pod: Mapping[str, Any]) -> Errs:
    """The part of ValidatePodCreate that must not run on update: ephemeral containers can only
    be added through the ephemeralcontainers subresource."""
    if _items(_map(pod.get("spec")).get("ephemeralContainers")):
        return [forbidden("spec.ephemeralContainers", "cannot be set on create")]
    return []


def validate_pod_template_spec(
    template: Mapping[str, Any], path: str, *, owner_kind: str | None = None
) -> Errs:
    """ValidatePodTemplateSpec. Labels and annotations are reported at `<path>.labels`, not
    `<path>.metadata.labels`, as upstream does. With `owner_kind` ("ReplicaSet", "DaemonSet",
    ...), also the controllers' template rules: restartPolicy Always, no activeDeadlineSeconds."""
    meta, spec = _map(template.get("metadata")), _map(template.get("spec"))
    errs = validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    errs += _pod_specific_annotations(meta.get("annotations"), spec, f"{path}.annotations")
    errs += validate_pod_spec(spec, f"{path}.spec")
    if _items(spec.get("ephemeralContainers")):
        errs.append(
            forbidden(
                f"{path}.spec.ephemeralContainers",
                "ephemeral containers not allowed in pod template",
            )
        )
    if owner_kind is not None:
        policy = spec.get("restartPolicy") or ""
        if policy != "Always":
            errs.append(not_supported(f"{path}.spec.restartPolicy", policy, ("Always",)))
        if spec.get("activeDeadlineSeconds") is not None:
            errs.append(
                forbidden(
                    f"{path}.spec.activeDeadlineSeconds",
                    f"activeDeadlineSeconds in {owner_kind} is not Supported",
                )
            )
    return errs


# --------------------------------------------------------------------------------------------
# QoS and effective requests: pkg/apis/core/helper/qos/qos.go, component-helpers resource
# --------------------------------------------------------------------------------------------


def _sum_positive(
    containers: Iterable[Any], field_name: str, totals: dict[str, Quantity]
) -> list[set[str]]:
    """Per container, the QoS resources with a positive value; adds them into `totals`."""
    found: list[set[str]] = []
    for c in containers:
        seen: set[str] = set()
        for name, value in _map(_map(_map(c).get("resources")).get(field_name)).items():
            if name not in _QOS_RESOURCES:
                continue
            q = _try_quantity(value)
            if q is not None and q.sign() > 0:
                seen.add(name)
                totals[name] = totals[name] + q if name in totals else q
        found.append(seen)
    return found


_QOS_MEMO: dict[bytes, str] = {}
_QOS_MEMO_SIZE = 4096


def compute_pod_qos(pod: Mapping[str, Any]) -> str:
    """ComputePodQOS: Guaranteed, Burstable or BestEffort from cpu/memory requests and limits
    of regular and init containers (ephemeral containers cannot set resources). Memoized by
    the containers' resources: replicas of one template share the answer."""
    spec = _map(pod.get("spec"))
    containers = _items(spec.get("containers")) + _items(spec.get("initContainers"))
    key = orjson.dumps([_map(c).get("resources") for c in containers])
    qos = _QOS_MEMO.get(key)
    if qos is None:
        qos = _compute_qos(containers)
        if len(_QOS_MEMO) >= _QOS_MEMO_SIZE:
            _QOS_MEMO.clear()
        _QOS_MEMO[key] = qos
    return qos


def _compute_qos(containers: list[Any]) -> str:
    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    _sum_positive(containers, "requests", requests)
    limits_found = _sum_positive(containers, "limits", limits)
    if not requests and not limits:
        return "BestEffort"
    guaranteed = all(len(found) == len(_QOS_RESOURCES) for found in limits_found)
    if guaranteed:
        for name, req in requests.items():
            if limits.get(name) != req:
                guaranteed = False
                break
    if guaranteed and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


def pod_qos_class(pod: Mapping[str, Any]) -> str:
    """GetPodQOS: status.qosClass when set (it is immutable once set), else computed."""
    qos = _map(pod.get("status")).get("qosClass")
    return qos if qos else compute_pod_qos(pod)


def _add_milli(total: dict[str, int], resources: Mapping[str, Any]) -> None:
    for name, value in resources.items():
        q = _try_quantity(value)
        if q is not None:
            total[name] = total.get(name, 0) + q.milli_value()


def _max_milli(total: dict[str, int], other: Mapping[str, int]) -> None:
    for name, value in other.items():
        if value > total.get(name, 0) or name not in total:
            total[name] = value


def pod_requests(pod: Mapping[str, Any]) -> dict[str, int]:
    """resourcehelper.PodRequests: the sum of regular and sidecar containers, at least what any
    init container needs while it runs (with the sidecars started before it), plus overhead.
    cpu is in millicores; every other resource in whole units (bytes for memory), rounded up."""
    spec = _map(pod.get("spec"))
    milli: dict[str, int] = {}
    for c in _items(spec.get("containers")):
        _add_milli(milli, _map(_map(_map(c).get("resources")).get("requests")))
    sidecars: dict[str, int] = {}
    init_max: dict[str, int] = {}
    for c in _items(spec.get("initContainers")):
        c = _map(c)
        reqs = _map(_map(c.get("resources")).get("requests"))
        if c.get("restartPolicy") == "Always":
            _add_milli(milli, reqs)
            _add_milli(sidecars, reqs)
            _max_milli(init_max, sidecars)
        else:
            running = dict(sidecars)
            _add_milli(running, reqs)
            _max_milli(init_max, running)
    _max_milli(milli, init_max)
    _add_milli(milli, _map(spec.get("overhead")))
    return {name: v if name == "cpu" else -(-v // 1000) for name, v in milli.items()}


# --------------------------------------------------------------------------------------------
# Updates: ValidatePodUpdate and ValidatePodStatusUpdate (only what `validate` does not check)
# --------------------------------------------------------------------------------------------


def _annotation_updates(new: Mapping[str, Any], old: Mapping[str, Any], path: str) -> Errs:
    """ValidatePodSpecificAnnotationUpdates: the mirror-pod annotation cannot change."""
    new_ann = _map(_map(new.get("metadata")).get("annotations"))
    old_ann = _map(_map(old.get("metadata")).get("annotations"))
    errs: Errs = []
    if (
        MIRROR_POD_ANNOTATION in old_ann
        and new_ann.get(MIRROR_POD_ANNOTATION) != old_ann[MIRROR_POD_ANNOTATION]
    ):
        errs.append(
            forbidden(
                f"{path}[{MIRROR_POD_ANNOTATION}]", "may not remove or update mirror pod annotation"
            )
        )
    if MIRROR_POD_ANNOTATION in new_ann and MIRROR_POD_ANNOTATION not in old_ann:
        errs.append(
            forbidden(f"{path}[{MIRROR_POD_ANNOTATION}]", "may not add mirror pod annotation")
        )
    return errs


def _active_deadline_update(new: Any, old: Any) -> tuple[Errs, bool]:
    """The activeDeadlineSeconds rules; the bool says upstream returns early."""
    path = "spec.activeDeadlineSeconds"
    if new is not None:
        if _int(new) is None or new < 0 or new > MAX_INT32:
            return [invalid(path, new, inclusive_range_error(0, MAX_INT32))], True
        if old is not None and old < new:
            return [invalid(path, new, "must be less than or equal to previous value")], True
    elif old is not None:
        return [invalid(path, None, "must not update from a positive integer to nil value")], False
    return [], False


def _only_added_tolerations(new: list[Any], old: list[Any]) -> Errs:
    """validateOnlyAddedTolerations (tolerationSeconds of an existing one may change)."""
    for old_t in old:
        old_t = dict(_map(old_t))
        old_t.pop("tolerationSeconds", None)
        if not any(_same_toleration(old_t, _map(t)) for t in new):
            return [
                forbidden(
                    "spec.tolerations",
                    "existing toleration can not be modified except its tolerationSeconds",
                )
            ]
    return []


def _same_toleration(old_t: Mapping[str, Any], new_t: Mapping[str, Any]) -> bool:
    return all(old_t.get(k, "") == new_t.get(k, "") for k in ("key", "operator", "value", "effect"))


def _only_deleted_gates(new: list[Any], old: list[Any]) -> Errs:
    """validateOnlyDeletedSchedulingGates."""
    old_names = {_map(g).get("name") for g in old}
    return [
        forbidden(
            f"spec.schedulingGates[{i}].name",
            f"only deletion is allowed, but found new scheduling gate '{name}'",
        )
        for i, name in enumerate(_map(g).get("name") for g in new)
        if name not in old_names
    ]


def _normalized(value: Any) -> Any:
    """Semantic equality of JSON: empty and absent maps, lists and strings are the same."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            nv = _normalized(v)
            if nv is not None and nv != "" and nv != [] and nv != {}:
                out[k] = nv
        return out
    if isinstance(value, list):
        return [_normalized(v) for v in value]
    return value


def _munged_spec(new_spec: Mapping[str, Any], old_spec: Mapping[str, Any]) -> tuple[Obj, Errs]:
    """The new spec with every field a pod update may change put back to its old value."""
    munged = dict(new_spec)
    for key in ("containers", "initContainers"):
        old_cs = _items(old_spec.get(key))
        cs = []
        for i, c in enumerate(_items(new_spec.get(key))):
            c = dict(_map(c))
            if i < len(old_cs):
                c["image"] = _map(old_cs[i]).get("image")
            cs.append(c)
        munged[key] = cs
    for key in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        munged.pop(key, None)
        if key in old_spec:
            munged[key] = old_spec[key]
    old_tgp, new_tgp = (
        old_spec.get("terminationGracePeriodSeconds"),
        munged.get("terminationGracePeriodSeconds"),
    )
    if isinstance(old_tgp, int) and old_tgp < 0 and new_tgp == 1:
        munged["terminationGracePeriodSeconds"] = old_tgp
    errs: Errs = []
    if _items(old_spec.get("schedulingGates")):
        old_sel, new_sel = _map(old_spec.get("nodeSelector")), _map(munged.get("nodeSelector"))
        if old_sel != new_sel:
            if any(new_sel.get(k) != v for k, v in old_sel.items()):
                errs.append(
                    invalid(
                        "spec.nodeSelector",
                        _go_string_map(new_sel),
                        "only additions to spec.nodeSelector are allowed (no "
                        "mutations or deletions)",
                    )
                )
            munged["nodeSelector"] = old_spec.get("nodeSelector")
    return munged, errs


def _diff_paths(old: Any, new: Any, path: str, out: list[str]) -> None:
    if isinstance(old, Mapping) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            _diff_paths(old.get(key), new.get(key), f"{path}.{key}", out)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _diff_paths(a, b, f"{path}[{i}]", out)
    elif old != new:
        out.append(f"  {path}: {_json(old)} -> {_json(new)}")


def _json(value: Any) -> str:
    import orjson

    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def validate_pod_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidatePodUpdate minus ObjectMeta and what `validate_pod(new)` already reports."""
    errs = _annotation_updates(new, old, "metadata.annotations")
    new_spec, old_spec = _map(new.get("spec")), _map(old.get("spec"))
    for key in ("containers", "initContainers"):
        if len(_items(new_spec.get(key))) != len(_items(old_spec.get(key))):
            errs.append(forbidden(f"spec.{key}", "pod updates may not add or remove containers"))
            return errs
    ads_errs, stop = _active_deadline_update(
        new_spec.get("activeDeadlineSeconds"), old_spec.get("activeDeadlineSeconds")
    )
    errs += ads_errs
    if stop:
        return errs
    errs += _only_added_tolerations(
        _items(new_spec.get("tolerations")), _items(old_spec.get("tolerations"))
    )
    errs += _only_deleted_gates(
        _items(new_spec.get("schedulingGates")), _items(old_spec.get("schedulingGates"))
    )
    if _normalized(new_spec) == _normalized(old_spec):
        return errs
    if pod_qos_class(old) != compute_pod_qos(new):
        errs.append(
            invalid("metadata", _map(new.get("status")).get("qosClass", ""), "Pod QoS is immutable")
        )
    munged, merrs = _munged_spec(new_spec, old_spec)
    errs += merrs
    old_norm, munged_norm = _normalized(old_spec), _normalized(munged)
    if munged_norm != old_norm:
        lines: list[str] = []
        _diff_paths(old_norm, munged_norm, "spec", lines)
        errs.append(forbidden("spec", POD_UPDATE_FORBIDDEN + "\n" + "\n".join(lines)))
    return errs


_SYSTEM_CONDITIONS = frozenset(("PodScheduled", "Ready", "Initialized"))


def _state_transitions(new: list[Any], old: list[Any], path: str, policy: Any, spec: Any) -> Errs:
    """ValidateContainerStateTransition / ValidateInitContainerStateTransition."""
    if policy == "Always":
        return []
    sidecars = (
        {
            _map(c).get("name")
            for c in _items(_map(spec).get("initContainers"))
            if _map(c).get("restartPolicy") == "Always"
        }
        if spec is not None
        else set()
    )
    errs: Errs = []
    for i, old_status in enumerate(old):
        old_status = _map(old_status)
        terminated = _map(old_status.get("state")).get("terminated")
        if terminated is None:
            continue
        if _map(terminated).get("exitCode", 0) != 0 and policy == "OnFailure":
            continue
        if old_status.get("name") in sidecars:
            continue
        for new_status in new:
            new_status = _map(new_status)
            if (
                new_status.get("name") == old_status.get("name")
                and _map(new_status.get("state")).get("terminated") is None
            ):
                errs.append(
                    forbidden(
                        f"{path}[{i}].state", "may not be transitioned to non-terminated state"
                    )
                )
    return errs


def _pod_ips(status: Mapping[str, Any], key: str) -> Errs:
    """validatePodIPs / validateHostIPs (dual-stack and duplicate rules)."""
    go_type = "core.PodIP" if key == "podIPs" else "core.HostIP"
    ips = [_map(ip).get("ip", "") for ip in _items(status.get(key))]
    path = f"status.{key}"
    errs: Errs = []
    if key == "hostIPs" and ips and status.get("hostIP", "") != ips[0]:
        errs.append(invalid(f"{path}[0].ip", ips[0], "must be equal to `hostIP`"))
    for i, ip in enumerate(ips):
        errs += _ip_errors(ip, f"{path}[{i}]")
    if len(ips) > 1:
        parsed = [_parse_ip(ip) if isinstance(ip, str) else None for ip in ips]
        versions = {p.version for p in parsed if p is not None}
        shown = [f"{go_type}{{IP:{go_str(ip)}}}" for ip in ips]
        family: Errs = []
        if len(ips) > 2 or versions != {4, 6} or None in parsed:
            family.append(
                invalid(
                    path,
                    GoValue(f"[]{go_type}{{{', '.join(shown)}}}"),
                    "may specify no more than one IP for each IP family",
                )
            )
        dups: Errs = []
        seen: set[Any] = set()
        for i, ip in enumerate(ips):
            if ip in seen:
                dups.append(duplicate(f"{path}[{i}]", GoValue(shown[i])))
            seen.add(ip)
        # validatePodIPs reports the family rule first, validateHostIPs the duplicates first.
        errs += family + dups if key == "podIPs" else dups + family
    return errs


def validate_pod_status_update(new: Mapping[str, Any], old: Mapping[str, Any]) -> Errs:
    """ValidatePodStatusUpdate minus ObjectMeta. Conditions are reported under `metadata`, as
    upstream does."""
    errs = _annotation_updates(new, old, "metadata.annotations")
    status, old_status = _map(new.get("status")), _map(old.get("status"))
    for i, cond in enumerate(_items(status.get("conditions"))):
        ctype = _map(cond).get("type", "")
        if ctype not in _SYSTEM_CONDITIONS:
            errs += [
                invalid(f"metadata.conditions[{i}].Type", ctype, m)
                for m in is_qualified_name(ctype)
            ]
    new_spec, old_spec = _map(new.get("spec")), _map(old.get("spec"))
    if new_spec.get("nodeName", "") != old_spec.get("nodeName", ""):
        errs.append(forbidden("status.nodeName", "may not be changed directly"))
    nominated = status.get("nominatedNodeName", "")
    if nominated and nominated != old_status.get("nominatedNodeName", ""):
        errs += [
            invalid("status.nominatedNodeName", nominated, m)
            for m in name_is_dns_subdomain(nominated, False)
        ]
    policy = old_spec.get("restartPolicy")
    errs += _state_transitions(
        _items(status.get("containerStatuses")),
        _items(old_status.get("containerStatuses")),
        "status.containerStatuses",
        policy,
        None,
    )
    errs += _state_transitions(
        _items(status.get("initContainerStatuses")),
        _items(old_status.get("initContainerStatuses")),
        "status.initContainerStatuses",
        policy,
        old_spec,
    )
    errs += _state_transitions(
        _items(status.get("ephemeralContainerStatuses")),
        _items(old_status.get("ephemeralContainerStatuses")),
        "status.ephemeralContainerStatuses",
        "Never",
        None,
    )
    return errs + _pod_ips(status, "podIPs") + _pod_ips(status, "hostIPs")


# --------------------------------------------------------------------------------------------
# Strategy: pkg/registry/core/pod/strategy.go
# --------------------------------------------------------------------------------------------


def _apply_label_keys(term: Any, labels: Mapping[str, Any]) -> None:
    """applyMatchLabelKeysAndMismatchLabelKeys: label keys become In / NotIn requirements."""
    term = _map(term)
    selector = term.get("labelSelector")
    match, mismatch = _items(term.get("matchLabelKeys")), _items(term.get("mismatchLabelKeys"))
    if not isinstance(selector, dict) or not (match or mismatch):
        return
    exprs = selector.get("matchExpressions")
    if not isinstance(exprs, list):
        exprs = selector["matchExpressions"] = []
    for keys, op in ((match, "In"), (mismatch, "NotIn")):
        for key in keys:
            if key in labels:
                exprs.append({"key": key, "operator": op, "values": [labels[key]]})
    if not exprs:
        del selector["matchExpressions"]


def _mutate_pod_affinity(pod: Obj) -> None:
    """mutatePodAffinity (MatchLabelKeysInPodAffinity is on in 1.32)."""
    affinity = _map(_map(pod.get("spec")).get("affinity"))
    labels = _map(_map(pod.get("metadata")).get("labels"))
    for key in ("podAffinity", "podAntiAffinity"):
        pa = _map(affinity.get(key))
        for term in _items(pa.get("preferredDuringSchedulingIgnoredDuringExecution")):
            _apply_label_keys(_map(term).get("podAffinityTerm"), labels)
        for term in _items(pa.get("requiredDuringSchedulingIgnoredDuringExecution")):
            _apply_label_keys(term, labels)


def prepare_pod_for_create(pod: Obj) -> None:
    """PrepareForCreate: a fresh status (Pending, QoS class), the SchedulingGated condition,
    and label keys merged into pod affinity selectors. spec.nodeName is kept."""
    qos = pod_qos_class(pod)
    status: Obj = {"phase": "Pending", "qosClass": qos}
    if _items(_map(pod.get("spec")).get("schedulingGates")):
        status["conditions"] = [
            {
                "type": "PodScheduled",
                "status": "False",
                "reason": "SchedulingGated",
                "message": "Scheduling is blocked due to non-empty scheduling gates",
            }
        ]
    pod["status"] = status
    if _map(pod.get("spec")).get("affinity"):
        _mutate_pod_affinity(pod)


def prepare_pod_for_update(new: Obj, old: Mapping[str, Any]) -> None:
    """PrepareForUpdate: the status cannot change through the main resource."""
    if "status" in old:
        new["status"] = thaw(old["status"])
    else:
        new.pop("status", None)


def validate_pod_binding(binding: Mapping[str, Any]) -> Errs:
    """ValidatePodBinding, for the binding subresource."""
    target = _map(binding.get("target"))
    errs: Errs = []
    kind = target.get("kind") or ""
    if kind and kind != "Node":
        errs.append(not_supported("target.kind", kind, ("Node", "<empty>")))
    if not target.get("name"):
        errs.append(required("target.name"))
    return errs


def pod_validation_key(pod: Mapping[str, Any]) -> bytes:
    """Everything validate_pod reads (annotations and spec), as bytes: pods stamped from one
    template validate once (the apiserver memoizes validate by this key)."""
    meta = _map(pod.get("metadata"))
    return orjson.dumps([meta.get("annotations"), pod.get("spec")])


POD = Kind(
    kind="Pod",
    group="",
    version="v1",
    plural="pods",
    namespaced=True,
    short_names=("po",),
    categories=("all",),
    subresources=("status", "binding", "eviction", "log", "ephemeralcontainers"),
    name_validator=name_is_dns_subdomain,
    default=default_pod,
    prepare_for_create=prepare_pod_for_create,
    prepare_for_update=prepare_pod_for_update,
    validate=validate_pod,
    validate_update=validate_pod_update,
    validate_status_update=validate_pod_status_update,
    extra={
        "validation_key": pod_validation_key,
        "validate_create": validate_pod_create_only,
        "validate_binding": validate_pod_binding,
        "qos_class": pod_qos_class,
        "requests": pod_requests,
    },
)
