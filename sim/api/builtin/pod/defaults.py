"""Pod defaulting: upstream's decode-time defaults for pods, pod specs and templates.

Models pkg/apis/core/v1/defaults.go (SetDefaults_Pod, SetDefaults_PodSpec,
SetDefaults_Container, SetDefaults_Probe, SetDefaults_Volume, SetDefaults_ResourceList, ...) and
the declarative defaults of pkg/apis/core/v1/zz_generated.defaults.go (port protocol TCP, grpc
service ""), plus the v1 conversion of `serviceAccount` (pkg/apis/core/v1/conversion.go).
Defaulting mutates the plain dict it is given and is idempotent; the image pull-policy and
rounded-quantity caches are bounded.
"""

from __future__ import annotations

import re
from typing import Any

from sim.api.builtin.pod.constants import (
    _VOLUME_KEYS,
    DEFAULT_SCHEDULER_NAME,
    DEFAULT_TERMINATION_GRACE_PERIOD_S,
    FILE_MODE_DEFAULT,
    SA_TOKEN_EXPIRATION_DEFAULT_S,
    TERMINATION_MESSAGE_PATH_DEFAULT,
)
from sim.api.builtin.pod.values import Obj, _items, _try_quantity
from sim.api.quantity import Quantity

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
