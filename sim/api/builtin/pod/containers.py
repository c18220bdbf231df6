"""Containers, init containers and ephemeral containers, with probes and lifecycle hooks.

Models validateContainerCommon, validateContainers, validateInitContainers,
validateEphemeralContainers, validateProbe, validateLifecycle and the handler checks of
pkg/apis/core/validation/validation.go, with SidecarContainers and PodLifecycleSleepAction on
as in 1.32. Each container's checks run in upstream's order, so errors come out in its order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from sim.api.builtin.pod.constants import (
    HTTP_SCHEMES,
    INIT_PROBE_FORBIDDEN,
    NEGATIVE_ERROR,
    ONE_HANDLER_TYPE,
    PULL_POLICIES,
    TERMINATION_MESSAGE_POLICIES,
)
from sim.api.builtin.pod.container_fields import (
    _container_ports,
    _env,
    _env_from,
    _volume_devices,
    _volume_mounts,
)
from sim.api.builtin.pod.resources import _resize_policy, _resource_requirements
from sim.api.builtin.pod.security import _security_context
from sim.api.builtin.pod.values import Errs, GoValue, _dns_label_errors, _int, _items, _map
from sim.api.errors import (
    NOT_FOUND,
    FieldError,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
)
from sim.api.validation.common import inclusive_range_error, is_valid_port_name, regex_error

_HTTP_HEADER_FMT = "[-A-Za-z0-9]+"
_http_header_re = re.compile(f"^{_HTTP_HEADER_FMT}$")


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
