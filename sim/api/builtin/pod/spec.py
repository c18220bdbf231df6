"""PodSpec, Pod and pod template validation: the pod-level rules.

Models ValidatePodSpec, validatePodMetadataAndSpec, ValidatePodCreate (the create-only
ephemeral-containers rule is `validate_pod_create_only`), ValidatePodTemplateSpec,
ValidatePodSpecificAnnotations and the DNS, host network, scheduling gate, host alias, host
users, OS and overhead checks of pkg/apis/core/validation/validation.go. `validate_pod_spec`
calls the container, volume, scheduling and security checks in upstream's order, which is what
makes the error order match validation.go.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.builtin.pod.constants import (
    DNS_POLICIES,
    MAX_INT32,
    MIRROR_POD_ANNOTATION,
    OS_NAMES,
    POD_DELETION_COST_ANNOTATION,
    PREEMPTION_POLICIES,
    RESTART_POLICIES,
)
from sim.api.builtin.pod.containers import (
    _containers,
    _ephemeral_containers,
    _image_whitespace,
    _init_containers,
)
from sim.api.builtin.pod.resources import _resource_list
from sim.api.builtin.pod.scheduling import (
    _affinity,
    _topology_spread_constraints,
    validate_tolerations,
)
from sim.api.builtin.pod.security import _pod_security_context
from sim.api.builtin.pod.values import (
    Errs,
    _dns_label_errors,
    _dns_subdomain_errors,
    _int,
    _items,
    _map,
    go_string_list,
)
from sim.api.builtin.pod.volumes import _validate_volumes
from sim.api.errors import duplicate, forbidden, invalid, not_supported, required
from sim.api.validation.common import (
    inclusive_range_error,
    is_qualified_name,
    name_is_dns_subdomain,
    validate_annotations,
    validate_labels,
)


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
