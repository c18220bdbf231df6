"""Pod defaulting, strategy and validation against upstream 1.32.

Cases carry facts from pkg/apis/core/v1/defaults_test.go, pkg/apis/core/validation/
validation_test.go and pkg/apis/core/helper/qos/qos_test.go: the accepted and the rejected
inputs, with upstream's exact messages and field paths.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sim.api.builtin.pod import (
    POD,
    POD_UPDATE_FORBIDDEN,
    compute_pod_qos,
    default_pod,
    default_pod_template,
    pod_qos_class,
    pod_requests,
    validate_pod_template_spec,
)

# Upstream's regex messages (k8s.io/apimachinery/pkg/util/validation), spelled out.
DNS_LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS_SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
QNAME_PART = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
    "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
QNAME = (
    "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
    "subdomain prefix and '/' (e.g. 'example.com/MyName')"
)
ENV_FIELD_PATHS = (
    'supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", '
    '"spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", '
    '"status.podIPs"'
)
NODE_TERMS = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
POD_AFFINITY = "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]"
DIGEST = "sha256:" + "a" * 64


def C(**fields: Any) -> dict[str, Any]:
    """A container named app running nginx:1.25, with `fields` on top."""
    return {"name": "app", "image": "nginx:1.25", **fields}


def make_pod(spec: dict[str, Any] | None = None, **meta: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"containers": [C()]}
    body.update(spec or {})
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default", **meta},
        "spec": body,
    }


def created(spec: dict[str, Any] | None = None, **meta: Any) -> dict[str, Any]:
    """What the apiserver has after default and prepare_for_create."""
    pod = make_pod(copy.deepcopy(spec), **meta)
    POD.default(pod)
    POD.prepare_for_create(pod)
    return pod


def messages(pod: dict[str, Any]) -> list[str]:
    return [e.message for e in POD.validate(pod)]


# -------------------------------------------------------------------------------------------
# Defaulting
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        pytest.param("nginx", "Always", id="no-tag-pulls-always"),
        pytest.param("nginx:latest", "Always", id="latest-pulls-always"),
        pytest.param("nginx:1.25", "IfNotPresent", id="tag-pulls-if-not-present"),
        pytest.param(f"nginx@{DIGEST}", "IfNotPresent", id="digest-without-tag"),
        pytest.param(f"nginx:latest@{DIGEST}", "Always", id="latest-with-digest"),
        pytest.param("registry.local:5000/team/app", "Always", id="registry-port-is-not-a-tag"),
        pytest.param("registry.local:5000/team/app:v2", "IfNotPresent", id="registry-and-tag"),
        pytest.param("Nginx", "IfNotPresent", id="unparsable-name-has-no-tag"),
    ],
)
def test_image_pull_policy_defaults_by_tag(image: str, policy: str) -> None:
    pod = make_pod({"containers": [C(image=image)]})
    default_pod(pod)
    assert pod["spec"]["containers"][0]["imagePullPolicy"] == policy


def test_spec_level_defaults() -> None:
    pod = make_pod()
    default_pod(pod)
    spec = pod["spec"]
    assert {k: spec[k] for k in spec if k != "containers"} == {
        "dnsPolicy": "ClusterFirst",
        "restartPolicy": "Always",
        "securityContext": {},
        "terminationGracePeriodSeconds": 30,
        "schedulerName": "default-scheduler",
        "enableServiceLinks": True,
    }
    assert spec["containers"][0] == {
        "name": "app",
        "image": "nginx:1.25",
        "imagePullPolicy": "IfNotPresent",
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    }


@pytest.mark.parametrize(
    ("spec", "path", "expected"),
    [
        pytest.param(
            {"restartPolicy": "Never"}, ("restartPolicy",), "Never", id="restart-policy-kept"
        ),
        pytest.param(
            {"enableServiceLinks": False}, ("enableServiceLinks",), False, id="service-links-kept"
        ),
        pytest.param(
            {"terminationGracePeriodSeconds": 0},
            ("terminationGracePeriodSeconds",),
            0,
            id="zero-grace-period-kept",
        ),
        pytest.param(
            {"schedulerName": "bin-packer"},
            ("schedulerName",),
            "bin-packer",
            id="scheduler-name-kept",
        ),
        pytest.param(
            {"serviceAccount": "builder"},
            ("serviceAccountName",),
            "builder",
            id="deprecated-service-account-converts",
        ),
        pytest.param(
            {"serviceAccountName": "builder"},
            ("serviceAccount",),
            "builder",
            id="service-account-name-mirrored",
        ),
        pytest.param(
            {"containers": [C(ports=[{"containerPort": 80}])]},
            ("containers", 0, "ports", 0),
            {"containerPort": 80, "protocol": "TCP"},
            id="port-protocol-tcp",
        ),
        pytest.param(
            {"hostNetwork": True, "containers": [C(ports=[{"containerPort": 80}])]},
            ("containers", 0, "ports", 0),
            {"containerPort": 80, "protocol": "TCP", "hostPort": 80},
            id="host-network-host-port-is-container-port",
        ),
        pytest.param(
            {"containers": [C(resources={"limits": {"cpu": "500m", "memory": "1Gi"}})]},
            ("containers", 0, "resources"),
            {
                "limits": {"cpu": "500m", "memory": "1Gi"},
                "requests": {"cpu": "500m", "memory": "1Gi"},
            },
            id="requests-default-to-limits",
        ),
        pytest.param(
            {
                "containers": [
                    C(
                        resources={
                            "limits": {"cpu": "1", "memory": "1Gi"},
                            "requests": {"cpu": "100m"},
                        }
                    )
                ]
            },
            ("containers", 0, "resources", "requests"),
            {"cpu": "100m", "memory": "1Gi"},
            id="only-missing-requests-default",
        ),
        pytest.param(
            {
                "initContainers": [
                    {"name": "init", "image": "busybox", "resources": {"limits": {"cpu": "200m"}}}
                ]
            },
            ("initContainers", 0, "resources", "requests"),
            {"cpu": "200m"},
            id="init-container-requests-default-to-limits",
        ),
        pytest.param(
            {"containers": [C(resources={"requests": {"cpu": 1, "memory": "0.5Gi"}})]},
            ("containers", 0, "resources", "requests"),
            {"cpu": "1", "memory": "512Mi"},
            id="quantities-serialised-canonically",
        ),
        pytest.param(
            {"containers": [C(resources={"requests": {"cpu": "0.0001"}})]},
            ("containers", 0, "resources", "requests"),
            {"cpu": "1m"},
            id="quantities-round-up-to-milli",
        ),
        pytest.param(
            {"containers": [C(livenessProbe={"httpGet": {"port": 8080}})]},
            ("containers", 0, "livenessProbe"),
            {
                "httpGet": {"port": 8080, "path": "/", "scheme": "HTTP"},
                "timeoutSeconds": 1,
                "periodSeconds": 10,
                "successThreshold": 1,
                "failureThreshold": 3,
            },
            id="probe-and-http-get-defaults",
        ),
        pytest.param(
            {"containers": [C(readinessProbe={"grpc": {"port": 9000}, "periodSeconds": 5})]},
            ("containers", 0, "readinessProbe"),
            {
                "grpc": {"port": 9000, "service": ""},
                "periodSeconds": 5,
                "timeoutSeconds": 1,
                "successThreshold": 1,
                "failureThreshold": 3,
            },
            id="grpc-service-defaults-empty",
        ),
        pytest.param(
            {"containers": [C(lifecycle={"preStop": {"httpGet": {"port": 80}}})]},
            ("containers", 0, "lifecycle", "preStop", "httpGet"),
            {"port": 80, "path": "/", "scheme": "HTTP"},
            id="lifecycle-http-get-defaults",
        ),
        pytest.param(
            {
                "containers": [
                    C(
                        env=[
                            {
                                "name": "POD",
                                "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}},
                            }
                        ]
                    )
                ]
            },
            ("containers", 0, "env", 0, "valueFrom", "fieldRef"),
            {"fieldPath": "metadata.name", "apiVersion": "v1"},
            id="field-ref-api-version",
        ),
        pytest.param(
            {"volumes": [{"name": "scratch"}]},
            ("volumes", 0),
            {"name": "scratch", "emptyDir": {}},
            id="volume-without-source-is-empty-dir",
        ),
        pytest.param(
            {"volumes": [{"name": "s", "secret": {"secretName": "tls"}}]},
            ("volumes", 0, "secret"),
            {"secretName": "tls", "defaultMode": 420},
            id="secret-default-mode-0644",
        ),
        pytest.param(
            {"volumes": [{"name": "c", "configMap": {"name": "cfg"}}]},
            ("volumes", 0, "configMap"),
            {"name": "cfg", "defaultMode": 420},
            id="config-map-default-mode-0644",
        ),
        pytest.param(
            {"volumes": [{"name": "h", "hostPath": {"path": "/var/log"}}]},
            ("volumes", 0, "hostPath"),
            {"path": "/var/log", "type": ""},
            id="host-path-type-unset",
        ),
        pytest.param(
            {
                "volumes": [
                    {
                        "name": "t",
                        "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]},
                    }
                ]
            },
            ("volumes", 0, "projected"),
            {
                "sources": [{"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}}],
                "defaultMode": 420,
            },
            id="projected-token-expires-in-an-hour",
        ),
        pytest.param(
            {"overhead": {"cpu": "0.25"}}, ("overhead",), {"cpu": "250m"}, id="overhead-rounded"
        ),
    ],
)
def test_defaulting(spec: dict[str, Any], path: tuple[Any, ...], expected: Any) -> None:
    pod = make_pod(copy.deepcopy(spec))
    default_pod(pod)
    value: Any = pod["spec"]
    for step in path:
        value = value[step]
    assert value == expected


def test_defaulting_is_idempotent() -> None:
    pod = make_pod(
        {
            "hostNetwork": True,
            "volumes": [{"name": "v"}],
            "containers": [
                C(
                    ports=[{"containerPort": 80}],
                    resources={"limits": {"cpu": "0.5"}},
                    livenessProbe={"tcpSocket": {"port": 80}},
                )
            ],
        }
    )
    default_pod(pod)
    once = copy.deepcopy(pod)
    default_pod(pod)
    assert pod == once


def test_template_defaults_are_podspec_only() -> None:
    template: dict[str, Any] = {
        "metadata": {"labels": {"app": "web"}},
        "spec": {
            "hostNetwork": True,
            "containers": [C(ports=[{"containerPort": 80}], resources={"limits": {"cpu": "1"}})],
        },
    }
    default_pod_template(template)
    spec = template["spec"]
    assert spec["restartPolicy"] == "Always" and spec["dnsPolicy"] == "ClusterFirst"
    # SetDefaults_Pod does not run for templates: no requests, no hostPort, no service links.
    assert "requests" not in spec["containers"][0]["resources"]
    assert "hostPort" not in spec["containers"][0]["ports"][0]
    assert "enableServiceLinks" not in spec


# -------------------------------------------------------------------------------------------
# Validation: accepted
# -------------------------------------------------------------------------------------------

FULL_SPEC: dict[str, Any] = {
    "initContainers": [
        {
            "name": "migrate",
            "image": "app:1",
            "command": ["migrate"],
            "resources": {"requests": {"cpu": "100m"}},
        },
        {
            "name": "proxy",
            "image": "envoy:1.30",
            "restartPolicy": "Always",
            "readinessProbe": {"tcpSocket": {"port": 15000}},
            "lifecycle": {"preStop": {"sleep": {"seconds": 5}}},
        },
    ],
    "containers": [
        C(
            ports=[
                {"name": "http", "containerPort": 8080},
                {"containerPort": 9090, "protocol": "UDP"},
            ],
            env=[
                {"name": "MY.VAR-1", "value": "x"},
                {"name": "1_STARTS_WITH_DIGIT", "value": "relaxed names are on in 1.32"},
                {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                {
                    "name": "TEAM",
                    "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['team']"}},
                },
                {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
                {"name": "PASS", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
            ],
            envFrom=[{"configMapRef": {"name": "settings"}, "prefix": "CFG_"}],
            resources={
                "requests": {"cpu": "250m", "memory": "64Mi", "example.com/gpu": "1"},
                "limits": {"cpu": "1", "memory": "128Mi", "example.com/gpu": "1"},
            },
            volumeMounts=[
                {"name": "data", "mountPath": "/data"},
                {"name": "config", "mountPath": "/etc/app", "readOnly": True},
                {"name": "data", "mountPath": "/logs", "subPath": "logs"},
            ],
            livenessProbe={
                "httpGet": {"path": "/healthz", "port": "http"},
                "initialDelaySeconds": 5,
            },
            readinessProbe={"grpc": {"port": 9090}},
            startupProbe={"exec": {"command": ["true"]}, "failureThreshold": 30},
            lifecycle={"postStart": {"exec": {"command": ["warm"]}}},
            securityContext={"runAsUser": 1000, "allowPrivilegeEscalation": False},
        )
    ],
    "volumes": [
        {"name": "data", "emptyDir": {"sizeLimit": "1Gi"}},
        {"name": "config", "configMap": {"name": "app", "items": [{"key": "a", "path": "a.conf"}]}},
        {"name": "certs", "secret": {"secretName": "tls", "defaultMode": 256}},
        {"name": "claim", "persistentVolumeClaim": {"claimName": "pvc-1"}},
        {"name": "logs", "hostPath": {"path": "/var/log", "type": "Directory"}},
        {
            "name": "info",
            "downwardAPI": {
                "items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]
            },
        },
        {
            "name": "all",
            "projected": {
                "sources": [
                    {"secret": {"name": "s"}},
                    {"configMap": {"name": "c"}},
                    {"serviceAccountToken": {"path": "token"}},
                ]
            },
        },
    ],
    "serviceAccountName": "app",
    "nodeSelector": {"kubernetes.io/os": "linux", "disktype": "ssd"},
    "affinity": {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {
                        "matchExpressions": [
                            {
                                "key": "topology.kubernetes.io/zone",
                                "operator": "In",
                                "values": ["a", "b"],
                            },
                            {"key": "cores", "operator": "Gt", "values": ["4"]},
                        ],
                        "matchFields": [
                            {"key": "metadata.name", "operator": "NotIn", "values": ["n1"]}
                        ],
                    }
                ]
            },
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 100,
                    "preference": {
                        "matchExpressions": [{"key": "spot", "operator": "DoesNotExist"}]
                    },
                }
            ],
        },
        "podAntiAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 50,
                    "podAffinityTerm": {
                        "labelSelector": {"matchLabels": {"app": "web"}},
                        "topologyKey": "kubernetes.io/hostname",
                    },
                }
            ]
        },
        "podAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {
                    "labelSelector": {
                        "matchExpressions": [{"key": "app", "operator": "In", "values": ["cache"]}]
                    },
                    "namespaces": ["default"],
                    "topologyKey": "topology.kubernetes.io/zone",
                }
            ]
        },
    },
    "tolerations": [
        {"operator": "Exists"},
        {"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"},
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
    ],
    "topologySpreadConstraints": [
        {
            "maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "DoNotSchedule",
            "minDomains": 2,
            "labelSelector": {"matchLabels": {"app": "web"}},
            "matchLabelKeys": ["pod-template-hash"],
            "nodeAffinityPolicy": "Honor",
            "nodeTaintsPolicy": "Ignore",
        },
        {
            "maxSkew": 2,
            "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "ScheduleAnyway",
        },
    ],
    "priorityClassName": "high-priority",
    "runtimeClassName": "gvisor",
    "preemptionPolicy": "Never",
    "overhead": {"cpu": "100m", "memory": "10Mi"},
    "os": {"name": "linux"},
    "dnsPolicy": "None",
    "dnsConfig": {
        "nameservers": ["10.96.0.10", "2001:db8::1"],
        "searches": ["svc.cluster.local."],
        "options": [{"name": "ndots", "value": "2"}],
    },
    "hostAliases": [{"ip": "127.0.0.1", "hostnames": ["foo.local"]}],
    "hostname": "web-0",
    "subdomain": "web",
    "activeDeadlineSeconds": 600,
    "readinessGates": [{"conditionType": "example.com/ready"}],
    "schedulingGates": [{"name": "example.com/quota"}],
    "securityContext": {
        "fsGroup": 2000,
        "runAsNonRoot": True,
        "supplementalGroups": [3000],
        "seccompProfile": {"type": "RuntimeDefault"},
        "sysctls": [{"name": "net.core.somaxconn", "value": "1024"}],
    },
}


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param({}, id="minimal-pod"),
        pytest.param(FULL_SPEC, id="every-modelled-field"),
        pytest.param({"terminationGracePeriodSeconds": -1}, id="negative-grace-period-accepted"),
        pytest.param(
            {"hostNetwork": True, "containers": [C(ports=[{"containerPort": 80}])]},
            id="host-network-defaults-matching-host-port",
        ),
        pytest.param(
            {
                "initContainers": [
                    {"name": "a", "image": "x", "ports": [{"containerPort": 80, "hostPort": 80}]},
                    {"name": "b", "image": "x", "ports": [{"containerPort": 80, "hostPort": 80}]},
                ]
            },
            id="init-containers-may-reuse-host-ports",
        ),
        pytest.param(
            {
                "containers": [
                    C(
                        ports=[
                            {"containerPort": 53, "hostPort": 53},
                            {"containerPort": 53, "hostPort": 53, "protocol": "UDP"},
                        ]
                    )
                ]
            },
            id="same-host-port-different-protocols",
        ),
        pytest.param({"nodeName": "node-1"}, id="node-name-set-on-create"),
        pytest.param(
            {"containers": [C(resources={"limits": {"hugepages-2Mi": "4Mi", "memory": "1Gi"}})]},
            id="hugepages-with-memory",
        ),
        pytest.param(
            {"tolerations": [{"key": "k", "operator": "Exists"}]},
            id="toleration-exists-without-effect",
        ),
    ],
)
def test_valid_pods_are_accepted(spec: dict[str, Any]) -> None:
    assert messages(created(spec)) == []


# -------------------------------------------------------------------------------------------
# Validation: rejected (containers, resources, probes)
# -------------------------------------------------------------------------------------------

CONTAINER_CASES = [
    pytest.param({"containers": []}, ["spec.containers: Required value"], id="containers-required"),
    pytest.param(
        {"containers": [C(name="")]},
        ["spec.containers[0].name: Required value"],
        id="container-name-required",
    ),
    pytest.param(
        {"containers": [C(name="Web_App")]},
        [f'spec.containers[0].name: Invalid value: "Web_App": {DNS_LABEL}'],
        id="container-name-must-be-dns-label",
    ),
    pytest.param(
        {"containers": [C(name="web.app")]},
        ['spec.containers[0].name: Invalid value: "web.app": must not contain dots'],
        id="container-name-without-dots",
    ),
    pytest.param(
        {"containers": [C(), C(image="redis:7")]},
        ['spec.containers[1].name: Duplicate value: "app"'],
        id="container-names-unique",
    ),
    pytest.param(
        {"initContainers": [C(image="busybox")]},
        ['spec.initContainers[0].name: Duplicate value: "app"'],
        id="init-container-names-unique-across-containers",
    ),
    pytest.param(
        {"containers": [C(image="")]},
        ["spec.containers[0].image: Required value"],
        id="image-required",
    ),
    pytest.param(
        {"containers": [C(image="nginx ")]},
        [
            'spec.containers[0].image: Invalid value: "nginx ": must not have leading or '
            "trailing whitespace"
        ],
        id="image-without-surrounding-space",
    ),
    pytest.param(
        {"containers": [C(imagePullPolicy="Sometimes")]},
        [
            'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported '
            'values: "Always", "IfNotPresent", "Never"'
        ],
        id="pull-policy-not-supported",
    ),
    pytest.param(
        {"containers": [C(terminationMessagePolicy="Log")]},
        [
            'spec.containers[0].terminationMessagePolicy: Unsupported value: "Log": supported '
            'values: "File", "FallbackToLogsOnError"'
        ],
        id="termination-message-policy",
    ),
    pytest.param(
        {"containers": [C(ports=[{"containerPort": 70000}])]},
        [
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between "
            "1 and 65535, inclusive"
        ],
        id="container-port-in-range",
    ),
    pytest.param(
        {"containers": [C(ports=[{"name": "http"}])]},
        ["spec.containers[0].ports[0].containerPort: Required value"],
        id="container-port-required",
    ),
    pytest.param(
        {"containers": [C(ports=[{"containerPort": 80, "hostPort": 70000}])]},
        [
            "spec.containers[0].ports[0].hostPort: Invalid value: 70000: must be between 1 "
            "and 65535, inclusive"
        ],
        id="host-port-in-range",
    ),
    pytest.param(
        {"containers": [C(ports=[{"containerPort": 80, "protocol": "HTTP"}])]},
        [
            'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported '
            'values: "SCTP", "TCP", "UDP"'
        ],
        id="port-protocol-not-supported",
    ),
    pytest.param(
        {"containers": [C(ports=[{"containerPort": 80, "name": "HTTP"}])]},
        [
            'spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain only '
            "alpha-numeric characters (a-z, 0-9), and hyphens (-)",
            'spec.containers[0].ports[0].name: Invalid value: "HTTP": must contain at least '
            "one letter (a-z)",
        ],
        id="port-name-iana-svc-name",
    ),
    pytest.param(
        {"containers": [C(ports=[{"containerPort": 80, "name": "metrics-endpoint"}])]},
        [
            'spec.containers[0].ports[0].name: Invalid value: "metrics-endpoint": must be no '
            "more than 15 characters"
        ],
        id="port-name-at-most-15",
    ),
    pytest.param(
        {
            "containers": [
                C(
                    ports=[
                        {"containerPort": 80, "name": "http"},
                        {"containerPort": 81, "name": "http"},
                    ]
                )
            ]
        },
        ['spec.containers[0].ports[1].name: Duplicate value: "http"'],
        id="port-names-unique",
    ),
    pytest.param(
        {
            "containers": [
                C(ports=[{"containerPort": 80, "hostPort": 8080}]),
                C(name="sidecar", ports=[{"containerPort": 81, "hostPort": 8080}]),
            ]
        },
        ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"'],
        id="host-ports-unique-across-containers",
    ),
    pytest.param(
        {"containers": [C(restartPolicy="Always")]},
        ["spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers"],
        id="restart-policy-only-on-init-containers",
    ),
    pytest.param(
        {"initContainers": [{"name": "init", "image": "x", "restartPolicy": "OnFailure"}]},
        [
            'spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported '
            'values: "Always"'
        ],
        id="init-restart-policy-always-only",
    ),
    pytest.param(
        {
            "initContainers": [
                {"name": "init", "image": "x", "livenessProbe": {"exec": {"command": ["true"]}}}
            ]
        },
        [
            "spec.initContainers[0].livenessProbe: Forbidden: may not be set for init "
            "containers without restartPolicy=Always"
        ],
        id="init-container-without-probes",
    ),
    pytest.param(
        {
            "initContainers": [
                {
                    "name": "init",
                    "image": "x",
                    "lifecycle": {"postStart": {"exec": {"command": ["x"]}}},
                }
            ]
        },
        [
            "spec.initContainers[0].lifecycle: Forbidden: may not be set for init "
            "containers without restartPolicy=Always"
        ],
        id="init-container-without-lifecycle",
    ),
]

ENV_CASES = [
    pytest.param(
        {"containers": [C(env=[{"value": "x"}])]},
        ["spec.containers[0].env[0].name: Required value"],
        id="env-name-required",
    ),
    pytest.param(
        {"containers": [C(env=[{"name": "A=B"}])]},
        [
            'spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment '
            "variable name must consist only of printable ASCII characters other than '='"
        ],
        id="env-name-printable-without-equals",
    ),
    pytest.param(
        {"containers": [C(env=[{"name": "A", "valueFrom": {}}])]},
        [
            'spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: '
            "`fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"
        ],
        id="env-value-from-needs-a-source",
    ),
    pytest.param(
        {
            "containers": [
                C(
                    env=[
                        {
                            "name": "A",
                            "value": "x",
                            "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}},
                        }
                    ]
                )
            ]
        },
        [
            'spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified '
            "when `value` is not empty"
        ],
        id="env-value-and-value-from",
    ),
    pytest.param(
        {
            "containers": [
                C(
                    env=[
                        {
                            "name": "A",
                            "valueFrom": {
                                "fieldRef": {"fieldPath": "metadata.name"},
                                "secretKeyRef": {"name": "s", "key": "k"},
                            },
                        }
                    ]
                )
            ]
        },
        [
            'spec.containers[0].env[0].valueFrom: Invalid value: "": may not have more than '
            "one field specified at a time"
        ],
        id="env-value-from-one-source",
    ),
    pytest.param(
        {
            "containers": [
                C(env=[{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels"}}}])
            ]
        },
        [
            "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "
            f'"metadata.labels": {ENV_FIELD_PATHS}'
        ],
        id="env-field-ref-supported-paths",
    ),
    pytest.param(
        {
            "containers": [
                C(env=[{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "spec.foo"}}}])
            ]
        },
        [
            "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: "
            '"spec.foo": error converting fieldPath: field label not supported: spec.foo'
        ],
        id="env-field-ref-unknown-label",
    ),
    pytest.param(
        {
            "containers": [
                C(
                    env=[
                        {
                            "name": "A",
                            "valueFrom": {
                                "fieldRef": {"apiVersion": "v2", "fieldPath": "metadata.name"}
                            },
                        }
                    ]
                )
            ]
        },
        [
            "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: "
            '"metadata.name": error converting fieldPath: unsupported pod version: v2'
        ],
        id="env-field-ref-v1-only",
    ),
    pytest.param(
        {
            "containers": [
                C(
                    env=[
                        {"name": "A", "valueFrom": {"resourceFieldRef": {"resource": "limits.gpu"}}}
                    ]
                )
            ]
        },
        [
            "spec.containers[0].env[0].valueFrom.resourceFieldRef.resource: Unsupported "
            'value: "limits.gpu": supported values: "limits.cpu", "limits.ephemeral-storage", '
            '"limits.memory", "requests.cpu", "requests.ephemeral-storage", '
            '"requests.memory"'
        ],
        id="env-resource-field-ref",
    ),
    pytest.param(
        {"containers": [C(env=[{"name": "A", "valueFrom": {"secretKeyRef": {"name": "db"}}}])]},
        ["spec.containers[0].env[0].valueFrom.secretKeyRef.key: Required value"],
        id="env-secret-key-required",
    ),
    pytest.param(
        {"containers": [C(envFrom=[{"prefix": "X_"}])]},
        [
            'spec.containers[0].envFrom: Invalid value: "": must specify one of: '
            "`configMapRef` or `secretRef`"
        ],
        id="env-from-needs-a-source",
    ),
]

RESOURCE_CASES = [
    pytest.param(
        {"containers": [C(resources={"requests": {"cpu": "1"}, "limits": {"cpu": "500m"}})]},
        [
            'spec.containers[0].resources.requests: Invalid value: "1": must be less than or '
            "equal to cpu limit of 500m"
        ],
        id="cpu-request-at-most-limit",
    ),
    pytest.param(
        {"containers": [C(resources={"requests": {"memory": "2Gi"}, "limits": {"memory": "1Gi"}})]},
        [
            'spec.containers[0].resources.requests: Invalid value: "2Gi": must be less than '
            "or equal to memory limit of 1Gi"
        ],
        id="memory-request-at-most-limit",
    ),
    pytest.param(
        {"containers": [C(resources={"limits": {"cpu": "-1"}})]},
        [
            'spec.containers[0].resources.limits[cpu]: Invalid value: "-1": must be greater '
            "than or equal to 0",
            'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater '
            "than or equal to 0",
        ],
        id="quantities-non-negative",
    ),
    pytest.param(
        {"containers": [C(resources={"requests": {"cpus": "1"}})]},
        [
            'spec.containers[0].resources.requests[cpus]: Invalid value: "cpus": must be a '
            "standard resource type or fully qualified",
            'spec.containers[0].resources.requests[cpus]: Invalid value: "cpus": must be a '
            "standard resource for containers",
        ],
        id="resource-names-standard",
    ),
    pytest.param(
        {"containers": [C(resources={"requests": {"pods": "1"}})]},
        [
            'spec.containers[0].resources.requests[pods]: Invalid value: "pods": must be a '
            "standard resource for containers"
        ],
        id="pods-is-not-a-container-resource",
    ),
    pytest.param(
        {"containers": [C(resources={"requests": {"example.com/gpu": "1"}})]},
        [
            "spec.containers[0].resources.limits: Required value: Limit must be set for non "
            "overcommitable resources"
        ],
        id="extended-resource-needs-limit",
    ),
    pytest.param(
        {
            "containers": [
                C(
                    resources={
                        "requests": {"example.com/gpu": "1"},
                        "limits": {"example.com/gpu": "2"},
                    }
                )
            ]
        },
        [
            'spec.containers[0].resources.requests: Invalid value: "1": must be equal to '
            "example.com/gpu limit of 2"
        ],
        id="extended-resource-request-equals-limit",
    ),
    pytest.param(
        {"containers": [C(resources={"limits": {"example.com/gpu": "500m"}})]},
        [
            "spec.containers[0].resources.limits[example.com/gpu]: Invalid value: 500m: must "
            "be an integer",
            "spec.containers[0].resources.requests[example.com/gpu]: Invalid value: 500m: "
            "must be an integer",
        ],
        id="extended-resource-whole-units",
    ),
    pytest.param(
        {"containers": [C(resources={"limits": {"hugepages-2Mi": "4Mi"}})]},
        ["spec.containers[0].resources: Forbidden: HugePages require cpu or memory"],
        id="hugepages-need-cpu-or-memory",
    ),
    pytest.param(
        {"overhead": {"cpu": "-100m"}},
        ['spec.overhead.limits[cpu]: Invalid value: "-100m": must be greater than or equal to 0'],
        id="overhead-non-negative",
    ),
]

PROBE_CASES = [
    pytest.param(
        {"containers": [C(livenessProbe={})]},
        ["spec.containers[0].livenessProbe: Required value: must specify a handler type"],
        id="probe-needs-a-handler",
    ),
    pytest.param(
        {
            "containers": [
                C(readinessProbe={"exec": {"command": ["true"]}, "tcpSocket": {"port": 80}})
            ]
        },
        [
            "spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more "
            "than 1 handler type"
        ],
        id="probe-one-handler",
    ),
    pytest.param(
        {"containers": [C(livenessProbe={"tcpSocket": {"port": 80}, "successThreshold": 2})]},
        ["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"],
        id="liveness-success-threshold-one",
    ),
    pytest.param(
        {"containers": [C(startupProbe={"tcpSocket": {"port": 80}, "successThreshold": 3})]},
        ["spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1"],
        id="startup-success-threshold-one",
    ),
    pytest.param(
        {"containers": [C(readinessProbe={"tcpSocket": {"port": 80}, "initialDelaySeconds": -1})]},
        [
            "spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be "
            "greater than or equal to 0"
        ],
        id="probe-delays-non-negative",
    ),
    pytest.param(
        {
            "containers": [
                C(readinessProbe={"tcpSocket": {"port": 80}, "terminationGracePeriodSeconds": 10})
            ]
        },
        [
            "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: "
            "10: must not be set for readinessProbes"
        ],
        id="readiness-probe-no-grace-period",
    ),
    pytest.param(
        {
            "containers": [
                C(livenessProbe={"tcpSocket": {"port": 80}, "terminationGracePeriodSeconds": 0})
            ]
        },
        [
            "spec.containers[0].livenessProbe.terminationGracePeriodSeconds: Invalid value: 0: "
            "must be greater than 0"
        ],
        id="probe-grace-period-positive",
    ),
    pytest.param(
        {"containers": [C(livenessProbe={"httpGet": {"port": "8080"}})]},
        [
            'spec.containers[0].livenessProbe.httpGet.port: Invalid value: "8080": must '
            "contain at least one letter (a-z)"
        ],
        id="probe-port-string-is-a-name",
    ),
    pytest.param(
        {"containers": [C(livenessProbe={"httpGet": {"port": 0}})]},
        [
            "spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: must be between "
            "1 and 65535, inclusive"
        ],
        id="probe-port-number-in-range",
    ),
    pytest.param(
        {"containers": [C(livenessProbe={"httpGet": {"port": 80, "scheme": "FTP"}})]},
        [
            'spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: "FTP": '
            'supported values: "HTTP", "HTTPS"'
        ],
        id="probe-http-scheme",
    ),
    pytest.param(
        {"containers": [C(livenessProbe={"exec": {}})]},
        ["spec.containers[0].livenessProbe.exec.command: Required value"],
        id="exec-needs-a-command",
    ),
    pytest.param(
        {"containers": [C(lifecycle={"preStop": {"sleep": {"seconds": 45}}})]},
        [
            "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 45: must be greater "
            "than 0 and less than terminationGracePeriodSeconds (30)"
        ],
        id="sleep-within-grace-period",
    ),
]


@pytest.mark.parametrize(
    ("spec", "expected"), CONTAINER_CASES + ENV_CASES + RESOURCE_CASES + PROBE_CASES
)
def test_invalid_containers_are_rejected(spec: dict[str, Any], expected: list[str]) -> None:
    assert messages(created(spec)) == expected


# -------------------------------------------------------------------------------------------
# Validation: rejected (volumes and mounts)
# -------------------------------------------------------------------------------------------

DATA = {"name": "data", "emptyDir": {}}

VOLUME_CASES = [
    pytest.param(
        {"volumes": [DATA, DATA]},
        ['spec.volumes[1].name: Duplicate value: "data"'],
        id="volume-names-unique",
    ),
    pytest.param(
        {"volumes": [{"emptyDir": {}}]},
        ["spec.volumes[0].name: Required value"],
        id="volume-name-required",
    ),
    pytest.param(
        {"volumes": [{"name": "Data", "emptyDir": {}}]},
        [f'spec.volumes[0].name: Invalid value: "Data": {DNS_LABEL}'],
        id="volume-name-dns-label",
    ),
    pytest.param(
        {"volumes": [{"name": "data", "emptyDir": {}, "hostPath": {"path": "/data"}}]},
        ["spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type"],
        id="one-volume-type",
    ),
    pytest.param(
        {"volumes": [{"name": "data", "configMap": {"name": "c"}, "downwardAPI": {"items": []}}]},
        ["spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type"],
        id="one-volume-type-in-upstream-order",
    ),
    pytest.param(
        {"volumes": [{"name": "data", "emptyDir": {"sizeLimit": "-1Gi"}}]},
        [
            "spec.volumes[0].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid "
            "resource quantity"
        ],
        id="empty-dir-size-limit",
    ),
    pytest.param(
        {"volumes": [{"name": "data", "hostPath": {}}]},
        ["spec.volumes[0].hostPath.path: Required value"],
        id="host-path-required",
    ),
    pytest.param(
        {"volumes": [{"name": "data", "hostPath": {"path": "/a/../b"}}]},
        ["spec.volumes[0].hostPath.path: Invalid value: \"/a/../b\": must not contain '..'"],
        id="host-path-without-backsteps",
    ),
    pytest.param(
        {"volumes": [{"name": "data", "hostPath": {"path": "/data", "type": "Folder"}}]},
        [
            'spec.volumes[0].hostPath.type: Unsupported value: "Folder": supported values: "", '
            '"BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", '
            '"FileOrCreate", "Socket"'
        ],
        id="host-path-type",
    ),
    pytest.param(
        {"volumes": [{"name": "cfg", "configMap": {}}]},
        ["spec.volumes[0].configMap.name: Required value"],
        id="config-map-name-required",
    ),
    pytest.param(
        {"volumes": [{"name": "s", "secret": {}}]},
        ["spec.volumes[0].secret.secretName: Required value"],
        id="secret-name-required",
    ),
    pytest.param(
        {"volumes": [{"name": "s", "secret": {"secretName": "tls", "defaultMode": 1000}}]},
        [
            "spec.volumes[0].secret.defaultMode: Invalid value: 1000: must be a number "
            "between 0 and 0777 (octal), both inclusive"
        ],
        id="file-mode-at-most-0777",
    ),
    pytest.param(
        {
            "volumes": [
                {
                    "name": "s",
                    "secret": {
                        "secretName": "tls",
                        "items": [{"key": "crt", "path": "/etc/tls.crt"}],
                    },
                }
            ]
        },
        [
            'spec.volumes[0].secret.items[0].path: Invalid value: "/etc/tls.crt": must be a '
            "relative path"
        ],
        id="item-path-relative",
    ),
    pytest.param(
        {
            "volumes": [
                {
                    "name": "s",
                    "secret": {"secretName": "tls", "items": [{"key": "crt", "path": "..crt"}]},
                }
            ]
        },
        [
            'spec.volumes[0].secret.items[0].path: Invalid value: "..crt": must not start '
            "with '..'"
        ],
        id="item-path-not-dot-dot",
    ),
    pytest.param(
        {"volumes": [{"name": "c", "persistentVolumeClaim": {}}]},
        ["spec.volumes[0].persistentVolumeClaim.claimName: Required value"],
        id="claim-name-required",
    ),
    pytest.param(
        {
            "volumes": [
                {
                    "name": "p",
                    "projected": {
                        "sources": [{"secret": {"name": "s"}, "configMap": {"name": "c"}}]
                    },
                }
            ]
        },
        [
            "spec.volumes[0].projected.sources[0]: Forbidden: may not specify more than 1 "
            "volume type"
        ],
        id="projected-source-one-type",
    ),
    pytest.param(
        {
            "volumes": [
                {
                    "name": "p",
                    "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]},
                }
            ]
        },
        [
            "spec.volumes[0].projected.sources[0].serviceAccountToken: Forbidden: must not be "
            "specified when serviceAccountName is not set"
        ],
        id="projected-token-needs-service-account",
    ),
    pytest.param(
        {
            "serviceAccountName": "app",
            "volumes": [
                {
                    "name": "p",
                    "projected": {
                        "sources": [
                            {"serviceAccountToken": {"path": "token", "expirationSeconds": 60}}
                        ]
                    },
                }
            ],
        },
        [
            "spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: "
            "Invalid value: 60: may not specify a duration less than 10 minutes"
        ],
        id="projected-token-ten-minutes-at-least",
    ),
    pytest.param(
        {
            "volumes": [
                {
                    "name": "d",
                    "downwardAPI": {
                        "items": [{"path": "x", "fieldRef": {"fieldPath": "status.podIP"}}]
                    },
                }
            ]
        },
        [
            "spec.volumes[0].downwardAPI.fieldRef.fieldPath: Unsupported value: "
            '"status.podIP": supported values: "metadata.annotations", "metadata.labels", '
            '"metadata.name", "metadata.namespace", "metadata.uid"'
        ],
        id="downward-api-volume-paths",
    ),
    pytest.param(
        {"containers": [C(volumeMounts=[{"name": "data", "mountPath": "/data"}])]},
        ['spec.containers[0].volumeMounts[0].name: Not found: "data"'],
        id="mount-needs-a-volume",
    ),
    pytest.param(
        {
            "volumes": [{"name": "Data", "emptyDir": {}}],
            "containers": [C(volumeMounts=[{"name": "Data", "mountPath": "/data"}])],
        },
        [
            f'spec.volumes[0].name: Invalid value: "Data": {DNS_LABEL}',
            'spec.containers[0].volumeMounts[0].name: Not found: "Data"',
        ],
        id="invalid-volume-cannot-be-mounted",
    ),
    pytest.param(
        {"volumes": [DATA], "containers": [C(volumeMounts=[{"name": "data"}])]},
        ["spec.containers[0].volumeMounts[0].mountPath: Required value"],
        id="mount-path-required",
    ),
    pytest.param(
        {
            "volumes": [DATA],
            "containers": [
                C(
                    volumeMounts=[
                        {"name": "data", "mountPath": "/data"},
                        {"name": "data", "mountPath": "/data"},
                    ]
                )
            ],
        },
        ['spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique'],
        id="mount-paths-unique",
    ),
    pytest.param(
        {
            "volumes": [DATA],
            "containers": [
                C(volumeMounts=[{"name": "data", "mountPath": "/data", "subPath": "../etc"}])
            ],
        },
        [
            'spec.containers[0].volumeMounts.subPath: Invalid value: "../etc": must not '
            "contain '..'"
        ],
        id="sub-path-stays-inside",
    ),
    pytest.param(
        {
            "volumes": [DATA],
            "containers": [
                C(
                    volumeMounts=[
                        {"name": "data", "mountPath": "/data", "mountPropagation": "Bidirectional"}
                    ]
                )
            ],
        },
        [
            "spec.containers[0].volumeMounts.mountPropagation: Forbidden: Bidirectional mount "
            "propagation is available only to privileged containers"
        ],
        id="bidirectional-propagation-needs-privileged",
    ),
]


@pytest.mark.parametrize(("spec", "expected"), VOLUME_CASES)
def test_invalid_volumes_are_rejected(spec: dict[str, Any], expected: list[str]) -> None:
    assert messages(created(spec)) == expected


# -------------------------------------------------------------------------------------------
# Validation: rejected (pod-level fields and scheduling constraints)
# -------------------------------------------------------------------------------------------

SPEC_CASES = [
    pytest.param(
        {"restartPolicy": "Sometimes"},
        [
            'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", '
            '"OnFailure", "Never"'
        ],
        id="restart-policy",
    ),
    pytest.param(
        {"dnsPolicy": "Cluster"},
        [
            'spec.dnsPolicy: Unsupported value: "Cluster": supported values: '
            '"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'
        ],
        id="dns-policy",
    ),
    pytest.param(
        {"dnsPolicy": "None"},
        ["spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"],
        id="dns-none-needs-config",
    ),
    pytest.param(
        {"dnsPolicy": "None", "dnsConfig": {"searches": ["a"]}},
        [
            "spec.dnsConfig.nameservers: Required value: must provide at least one DNS "
            "nameserver when `dnsPolicy` is None"
        ],
        id="dns-none-needs-a-nameserver",
    ),
    pytest.param(
        {"dnsConfig": {"nameservers": ["1.2.3"]}},
        [
            'spec.dnsConfig.nameservers[0]: Invalid value: "1.2.3": must be a valid IP '
            "address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
        ],
        id="dns-nameserver-ip",
    ),
    pytest.param(
        {"dnsConfig": {"nameservers": ["1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4"]}},
        [
            'spec.dnsConfig.nameservers: Invalid value: []string{"1.1.1.1", "1.0.0.1", '
            '"8.8.8.8", "8.8.4.4"}: must not have more than 3 nameservers'
        ],
        id="dns-at-most-three-nameservers",
    ),
    pytest.param(
        {"activeDeadlineSeconds": 0},
        [
            "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, "
            "inclusive"
        ],
        id="active-deadline-positive",
    ),
    pytest.param(
        {"nodeSelector": {"bad key": "x"}},
        [f'spec.nodeSelector: Invalid value: "bad key": {QNAME_PART}'],
        id="node-selector-keys-qualified",
    ),
    pytest.param(
        {"nodeName": "Node_1"},
        [f'spec.nodeName: Invalid value: "Node_1": {DNS_SUBDOMAIN}'],
        id="node-name-dns-subdomain",
    ),
    pytest.param(
        {"serviceAccountName": "Builder"},
        [f'spec.serviceAccountName: Invalid value: "Builder": {DNS_SUBDOMAIN}'],
        id="service-account-name-dns-subdomain",
    ),
    pytest.param(
        {"hostname": "web.0"},
        ['spec.hostname: Invalid value: "web.0": must not contain dots'],
        id="hostname-dns-label",
    ),
    pytest.param(
        {"priorityClassName": "High"},
        [f'spec.priorityClassName: Invalid value: "High": {DNS_SUBDOMAIN}'],
        id="priority-class-name",
    ),
    pytest.param(
        {"preemptionPolicy": "Sometimes"},
        [
            'spec.preemptionPolicy: Unsupported value: "Sometimes": supported values: '
            '"PreemptLowerPriority", "Never"'
        ],
        id="preemption-policy",
    ),
    pytest.param(
        {"hostNetwork": True, "containers": [C(ports=[{"containerPort": 80, "hostPort": 8080}])]},
        [
            "spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match "
            "`containerPort` when `hostNetwork` is true"
        ],
        id="host-network-ports-match",
    ),
    pytest.param(
        {"securityContext": {"runAsUser": -1}},
        [
            "spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and "
            "4294967295, inclusive"
        ],
        id="run-as-user-range",
    ),
    pytest.param(
        {"readinessGates": [{"conditionType": "a/b/c"}]},
        [f'spec.readinessGates[0].conditionType: Invalid value: "a/b/c": {QNAME}'],
        id="readiness-gate-qualified",
    ),
    pytest.param(
        {"schedulingGates": [{"name": "example.com/a"}, {"name": "example.com/a"}]},
        ['spec.schedulingGates[1]: Duplicate value: "example.com/a"'],
        id="scheduling-gates-unique",
    ),
    pytest.param(
        {"nodeName": "node-1", "schedulingGates": [{"name": "example.com/a"}]},
        ["spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"],
        id="gated-pod-cannot-be-bound",
    ),
    pytest.param(
        {"os": {"name": "plan9"}},
        ['spec.os: Unsupported value: "plan9": supported values: "linux", "windows"'],
        id="os-name",
    ),
    pytest.param(
        {"hostAliases": [{"ip": "10.0.0.300", "hostnames": ["a"]}]},
        [
            'spec.hostAliases[0].ip: Invalid value: "10.0.0.300": must be a valid IP address, '
            "(e.g. 10.9.8.7 or 2001:db8::ffff)"
        ],
        id="host-alias-ip",
    ),
]

SCHEDULING_CASES = [
    pytest.param(
        {
            "affinity": {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}
                }
            }
        },
        [
            f"{NODE_TERMS}.nodeSelectorTerms: Required value: must have at least one node "
            "selector term"
        ],
        id="node-affinity-needs-a-term",
    ),
    pytest.param(
        {
            "affinity": {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {"matchExpressions": [{"key": "zone", "operator": "In"}]}
                        ]
                    }
                }
            }
        },
        [
            f"{NODE_TERMS}.nodeSelectorTerms[0].matchExpressions[0].values: Required value: "
            "must be specified when `operator` is 'In' or 'NotIn'"
        ],
        id="node-affinity-in-needs-values",
    ),
    pytest.param(
        {
            "affinity": {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {
                                "matchExpressions": [
                                    {"key": "zone", "operator": "Exists", "values": ["a"]}
                                ]
                            }
                        ]
                    }
                }
            }
        },
        [
            f"{NODE_TERMS}.nodeSelectorTerms[0].matchExpressions[0].values: Forbidden: may not "
            "be specified when `operator` is 'Exists' or 'DoesNotExist'"
        ],
        id="node-affinity-exists-without-values",
    ),
    pytest.param(
        {
            "affinity": {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {
                                "matchExpressions": [
                                    {"key": "cores", "operator": "Gt", "values": ["1", "2"]}
                                ]
                            }
                        ]
                    }
                }
            }
        },
        [
            f"{NODE_TERMS}.nodeSelectorTerms[0].matchExpressions[0].values: Required value: "
            "must be specified single value when `operator` is 'Lt' or 'Gt'"
        ],
        id="node-affinity-gt-one-value",
    ),
    pytest.param(
        {
            "affinity": {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {
                                "matchExpressions": [
                                    {"key": "zone", "operator": "Near", "values": ["a"]}
                                ]
                            }
                        ]
                    }
                }
            }
        },
        [
            f"{NODE_TERMS}.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "
            '"Near": not a valid selector operator'
        ],
        id="node-affinity-operator",
    ),
    pytest.param(
        {
            "affinity": {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {
                                "matchFields": [
                                    {"key": "metadata.namespace", "operator": "In", "values": ["a"]}
                                ]
                            }
                        ]
                    }
                }
            }
        },
        [
            f"{NODE_TERMS}.nodeSelectorTerms[0].matchFields[0].key: Invalid value: "
            '"metadata.namespace": not a valid field selector key'
        ],
        id="node-affinity-field-is-metadata-name",
    ),
    pytest.param(
        {
            "affinity": {
                "nodeAffinity": {
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {
                            "weight": 0,
                            "preference": {
                                "matchExpressions": [{"key": "a", "operator": "Exists"}]
                            },
                        }
                    ]
                }
            }
        },
        [
            "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]."
            "weight: Invalid value: 0: must be in the range 1-100"
        ],
        id="preferred-weight",
    ),
    pytest.param(
        {
            "affinity": {
                "podAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        {"labelSelector": {"matchLabels": {"app": "db"}}}
                    ]
                }
            }
        },
        [
            f"{POD_AFFINITY}.topologyKey: Required value: can not be empty",
            f'{POD_AFFINITY}.topologyKey: Invalid value: "": name part must be non-empty',
            f'{POD_AFFINITY}.topologyKey: Invalid value: "": {QNAME_PART}',
        ],
        id="pod-affinity-needs-topology-key",
    ),
    pytest.param(
        {
            "affinity": {
                "podAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        {
                            "labelSelector": {
                                "matchExpressions": [{"key": "app", "operator": "In"}]
                            },
                            "topologyKey": "zone",
                        }
                    ]
                }
            }
        },
        [
            f"{POD_AFFINITY}.labelSelector.matchExpressions[0].values: Required value: must be "
            "specified when `operator` is 'In' or 'NotIn'"
        ],
        id="pod-affinity-selector",
    ),
    pytest.param(
        {
            "affinity": {
                "podAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        {"labelSelector": {}, "namespaces": ["Team_A"], "topologyKey": "zone"}
                    ]
                }
            }
        },
        [f'{POD_AFFINITY}.namespace: Invalid value: "Team_A": {DNS_LABEL}'],
        id="pod-affinity-namespaces-dns-labels",
    ),
    pytest.param(
        {
            "affinity": {
                "podAntiAffinity": {
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": 101, "podAffinityTerm": {"topologyKey": "zone"}}
                    ]
                }
            }
        },
        [
            "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]."
            "weight: Invalid value: 101: must be in the range 1-100"
        ],
        id="pod-anti-affinity-weight",
    ),
    pytest.param(
        {
            "affinity": {
                "podAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        {"matchLabelKeys": ["app"], "topologyKey": "zone"}
                    ]
                }
            }
        },
        [
            f"{POD_AFFINITY}.matchLabelKeys: Forbidden: must not be specified when "
            "labelSelector is not set"
        ],
        id="match-label-keys-need-a-selector",
    ),
    pytest.param(
        {"tolerations": [{"operator": "Equal", "value": "x"}]},
        [
            'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists '
            'when `key` is empty, which means "match all values and all keys"'
        ],
        id="toleration-without-key-must-exist",
    ),
    pytest.param(
        {"tolerations": [{"key": "k", "operator": "Exists", "value": "v", "effect": "NoSchedule"}]},
        [
            'spec.tolerations[0].operator: Invalid value: core.Toleration{Key:"k", '
            'Operator:"Exists", Value:"v", Effect:"NoSchedule", '
            "TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is "
            "'Exists'"
        ],
        id="toleration-exists-without-value",
    ),
    pytest.param(
        {
            "tolerations": [
                {"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 60}
            ]
        },
        [
            'spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be '
            "'NoExecute' when `tolerationSeconds` is set"
        ],
        id="toleration-seconds-no-execute",
    ),
    pytest.param(
        {"tolerations": [{"key": "k", "operator": "Exists", "effect": "NoRun"}]},
        [
            'spec.tolerations[0].effect: Unsupported value: "NoRun": supported values: '
            '"NoSchedule", "PreferNoSchedule", "NoExecute"'
        ],
        id="toleration-effect",
    ),
    pytest.param(
        {"tolerations": [{"key": "k", "operator": "In", "value": "v"}]},
        [
            'spec.tolerations[0].operator: Unsupported value: "In": supported values: '
            '"Equal", "Exists"'
        ],
        id="toleration-operator",
    ),
    pytest.param(
        {"tolerations": [{"key": "a/b/c", "operator": "Exists"}]},
        [f'spec.tolerations[0].key: Invalid value: "a/b/c": {QNAME}'],
        id="toleration-key-qualified",
    ),
    pytest.param(
        {
            "topologySpreadConstraints": [
                {"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"}
            ]
        },
        ["spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero"],
        id="spread-max-skew-positive",
    ),
    pytest.param(
        {"topologySpreadConstraints": [{"maxSkew": 1, "whenUnsatisfiable": "DoNotSchedule"}]},
        ["spec.topologySpreadConstraints[0].topologyKey: Required value: can not be empty"],
        id="spread-topology-key-required",
    ),
    pytest.param(
        {
            "topologySpreadConstraints": [
                {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "Sometimes"}
            ]
        },
        [
            "spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "
            '"Sometimes": supported values: "DoNotSchedule", "ScheduleAnyway"'
        ],
        id="spread-when-unsatisfiable",
    ),
    pytest.param(
        {
            "topologySpreadConstraints": [
                {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"},
                {"maxSkew": 2, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"},
            ]
        },
        [
            "spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate "
            'value: "{zone, DoNotSchedule}"'
        ],
        id="spread-constraint-kinds-unique",
    ),
    pytest.param(
        {
            "topologySpreadConstraints": [
                {
                    "maxSkew": 1,
                    "topologyKey": "zone",
                    "whenUnsatisfiable": "ScheduleAnyway",
                    "minDomains": 2,
                }
            ]
        },
        [
            "spec.topologySpreadConstraints[0].minDomains: Invalid value: 2: can only use "
            "minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway"
        ],
        id="spread-min-domains-needs-do-not-schedule",
    ),
    pytest.param(
        {
            "topologySpreadConstraints": [
                {
                    "maxSkew": 1,
                    "topologyKey": "zone",
                    "whenUnsatisfiable": "DoNotSchedule",
                    "minDomains": 0,
                }
            ]
        },
        [
            "spec.topologySpreadConstraints[0].minDomains: Invalid value: 0: must be greater "
            "than zero"
        ],
        id="spread-min-domains-positive",
    ),
    pytest.param(
        {
            "topologySpreadConstraints": [
                {
                    "maxSkew": 1,
                    "topologyKey": "zone",
                    "whenUnsatisfiable": "DoNotSchedule",
                    "nodeAffinityPolicy": "Always",
                }
            ]
        },
        [
            "spec.topologySpreadConstraints[0].nodeAffinityPolicy: Unsupported value: "
            '"Always": supported values: "Honor", "Ignore"'
        ],
        id="spread-node-policy",
    ),
    pytest.param(
        {
            "topologySpreadConstraints": [
                {
                    "maxSkew": 1,
                    "topologyKey": "zone",
                    "whenUnsatisfiable": "DoNotSchedule",
                    "matchLabelKeys": ["app"],
                }
            ]
        },
        [
            "spec.topologySpreadConstraints[0].matchLabelKeys: Forbidden: must not be "
            "specified when labelSelector is not set"
        ],
        id="spread-match-label-keys",
    ),
]

META_CASES = [
    pytest.param(
        {"annotations": {"kubernetes.io/config.mirror": "abc"}},
        [
            'metadata.annotations[kubernetes.io/config.mirror]: Invalid value: "abc": must '
            "set spec.nodeName if mirror pod annotation is set"
        ],
        id="mirror-pod-needs-node",
    ),
    pytest.param(
        {"annotations": {"controller.kubernetes.io/pod-deletion-cost": "1.5"}},
        [
            "metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "
            '"1.5": must be a 32bit integer'
        ],
        id="deletion-cost-int32",
    ),
    pytest.param(
        {"annotations": {"controller.kubernetes.io/pod-deletion-cost": "+10"}},
        [
            "metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "
            '"+10": must be a 32bit integer'
        ],
        id="deletion-cost-without-plus",
    ),
]


@pytest.mark.parametrize(("spec", "expected"), SPEC_CASES + SCHEDULING_CASES)
def test_invalid_pod_specs_are_rejected(spec: dict[str, Any], expected: list[str]) -> None:
    assert messages(created(spec)) == expected


@pytest.mark.parametrize(("meta", "expected"), META_CASES)
def test_pod_specific_annotations(meta: dict[str, Any], expected: list[str]) -> None:
    assert messages(created(None, **meta)) == expected


def test_node_selector_value_errors_are_reported_at_the_map() -> None:
    assert messages(created({"nodeSelector": {"disk": "ssd!"}})) == [
        'spec.nodeSelector: Invalid value: "ssd!": a valid label must be an empty string or '
        "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
        "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    ]


def test_errors_come_in_upstream_order() -> None:
    spec = {
        "volumes": [{"name": "Data"}],
        "containers": [C(name="", image="")],
        "restartPolicy": "Sometimes",
        "tolerations": [{"operator": "Equal"}],
    }
    assert [m.split(":")[0] for m in messages(created(spec))] == [
        "spec.volumes[0].name",
        "spec.containers[0].name",
        "spec.containers[0].image",
        "spec.restartPolicy",
        "spec.tolerations[0].operator",
    ]


def test_ephemeral_containers_cannot_be_set_on_create() -> None:
    pod = created({"ephemeralContainers": [{"name": "debug", "image": "busybox"}]})
    assert [e.message for e in POD.extra["validate_create"](pod)] == [
        "spec.ephemeralContainers: Forbidden: cannot be set on create"
    ]
    assert messages(pod) == []


def test_ephemeral_container_fields_are_limited() -> None:
    pod = created(
        {
            "ephemeralContainers": [
                {
                    "name": "app",
                    "image": "busybox",
                    "ports": [{"containerPort": 80}],
                    "targetContainerName": "missing",
                }
            ]
        }
    )
    assert messages(pod) == [
        'spec.ephemeralContainers[0].name: Duplicate value: "app"',
        'spec.ephemeralContainers[0].targetContainerName: Not found: "missing"',
        "spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container",
    ]


# -------------------------------------------------------------------------------------------
# Pod templates
# -------------------------------------------------------------------------------------------


def test_template_labels_are_reported_under_the_template_path() -> None:
    template = {"metadata": {"labels": {"a/b/c": "x"}}, "spec": {"containers": [C()]}}
    default_pod_template(template)
    assert [e.message for e in validate_pod_template_spec(template, "spec.template")] == [
        f'spec.template.labels: Invalid value: "a/b/c": {QNAME}'
    ]


@pytest.mark.parametrize(
    ("spec", "owner", "expected"),
    [
        pytest.param({}, None, [], id="plain-template-accepted"),
        pytest.param({"restartPolicy": "Never"}, None, [], id="any-restart-policy-without-owner"),
        pytest.param(
            {"restartPolicy": "Never"},
            "ReplicaSet",
            [
                'spec.template.spec.restartPolicy: Unsupported value: "Never": supported '
                'values: "Always"'
            ],
            id="controllers-need-restart-always",
        ),
        pytest.param(
            {"activeDeadlineSeconds": 30},
            "ReplicaSet",
            [
                "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds "
                "in ReplicaSet is not Supported"
            ],
            id="controllers-forbid-deadlines",
        ),
        pytest.param(
            {"hostNetwork": True, "containers": [C(ports=[{"containerPort": 80}])]},
            None,
            [],
            id="template-host-port-may-stay-unset",
        ),
        pytest.param(
            {"hostNetwork": True, "containers": [C(ports=[{"containerPort": 80, "hostPort": 81}])]},
            None,
            [
                "spec.template.spec.containers[0].ports[0].hostPort: Invalid value: 81: must "
                "match `containerPort` when `hostNetwork` is true"
            ],
            id="template-host-port-must-match-when-set",
        ),
        pytest.param(
            {"ephemeralContainers": [{"name": "d", "image": "busybox"}]},
            None,
            [
                "spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not "
                "allowed in pod template"
            ],
            id="templates-without-ephemeral-containers",
        ),
    ],
)
def test_pod_template_spec(spec: dict[str, Any], owner: str | None, expected: list[str]) -> None:
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [C()], **spec}}
    default_pod_template(template)
    errs = validate_pod_template_spec(template, "spec.template", owner_kind=owner)
    assert [e.message for e in errs] == expected


# -------------------------------------------------------------------------------------------
# QoS and effective requests
# -------------------------------------------------------------------------------------------


def R(requests: dict[str, str] | None = None, limits: dict[str, str] | None = None) -> dict:
    res: dict[str, Any] = {}
    if requests is not None:
        res["requests"] = requests
    if limits is not None:
        res["limits"] = limits
    return res


@pytest.mark.parametrize(
    ("containers", "init", "qos"),
    [
        pytest.param([{}], [], "BestEffort", id="no-resources-best-effort"),
        pytest.param([R({"cpu": "100m"})], [], "Burstable", id="requests-only-burstable"),
        pytest.param(
            [R(limits={"cpu": "1", "memory": "1Gi"})],
            [],
            "Guaranteed",
            id="limits-only-become-guaranteed",
        ),
        pytest.param(
            [R({"cpu": "1", "memory": "1Gi"}, {"cpu": "1", "memory": "1Gi"})] * 2,
            [],
            "Guaranteed",
            id="equal-requests-and-limits-guaranteed",
        ),
        pytest.param([R(limits={"cpu": "1"})], [], "Burstable", id="cpu-limit-only-burstable"),
        pytest.param(
            [R({"cpu": "500m", "memory": "1Gi"}, {"cpu": "1", "memory": "1Gi"})],
            [],
            "Burstable",
            id="request-below-limit-burstable",
        ),
        pytest.param(
            [R(limits={"cpu": "1", "memory": "1Gi"}), {}],
            [],
            "Burstable",
            id="one-container-without-limits",
        ),
        pytest.param(
            [R(limits={"cpu": "1", "memory": "1Gi"})],
            [{}],
            "Burstable",
            id="init-container-without-limits",
        ),
        pytest.param(
            [R({"example.com/gpu": "1"}, {"example.com/gpu": "1"})],
            [],
            "BestEffort",
            id="extended-resources-ignored",
        ),
        pytest.param(
            [R({"cpu": "0", "memory": "0"})], [], "BestEffort", id="zero-requests-ignored"
        ),
        pytest.param(
            [R(limits={"cpu": "1", "memory": "1Gi", "example.com/gpu": "1"})],
            [],
            "Guaranteed",
            id="guaranteed-with-extended-resources",
        ),
    ],
)
def test_qos_class(containers: list[dict], init: list[dict], qos: str) -> None:
    spec = {
        "containers": [C(name=f"c{i}", resources=r) for i, r in enumerate(containers)],
        "initContainers": [
            {"name": f"i{i}", "image": "x", "resources": r} for i, r in enumerate(init)
        ],
    }
    pod = created(spec)
    assert compute_pod_qos(pod) == qos
    assert pod["status"]["qosClass"] == qos


def test_status_qos_class_wins() -> None:
    pod = make_pod()
    pod["status"] = {"qosClass": "Burstable"}
    assert compute_pod_qos(pod) == "BestEffort"
    assert pod_qos_class(pod) == "Burstable"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param(
            {
                "containers": [
                    C(resources=R({"cpu": "100m", "memory": "64Mi"})),
                    C(name="b", resources=R({"cpu": "0.5", "memory": "1Gi"})),
                ]
            },
            {"cpu": 600, "memory": 64 * 2**20 + 2**30},
            id="sum-of-containers",
        ),
        pytest.param(
            {
                "containers": [C(resources=R({"cpu": "100m"}))],
                "initContainers": [
                    {"name": "i", "image": "x", "resources": R({"cpu": "2", "memory": "1Gi"})}
                ],
            },
            {"cpu": 2000, "memory": 2**30},
            id="largest-init-container-wins",
        ),
        pytest.param(
            {
                "containers": [C(resources=R({"cpu": "1"}))],
                "initContainers": [
                    {
                        "name": "side",
                        "image": "x",
                        "restartPolicy": "Always",
                        "resources": R({"cpu": "500m"}),
                    },
                    {"name": "init", "image": "x", "resources": R({"cpu": "1200m"})},
                ],
            },
            {"cpu": 1700},
            id="sidecars-add-up",
        ),
        pytest.param(
            {
                "containers": [C(resources=R({"cpu": "100m"}))],
                "overhead": {"cpu": "250m", "memory": "120Mi"},
            },
            {"cpu": 350, "memory": 120 * 2**20},
            id="overhead-added",
        ),
        pytest.param(
            {"containers": [C(resources=R(limits={"example.com/gpu": "2", "memory": "1.5Gi"}))]},
            {"example.com/gpu": 2, "memory": 1536 * 2**20},
            id="requests-from-limits",
        ),
    ],
)
def test_pod_requests(spec: dict[str, Any], expected: dict[str, int]) -> None:
    assert pod_requests(created(spec)) == expected


# -------------------------------------------------------------------------------------------
# Strategy
# -------------------------------------------------------------------------------------------


def test_prepare_for_create_resets_status_and_keeps_node_name() -> None:
    pod = make_pod({"nodeName": "node-1"})
    pod["status"] = {"phase": "Running", "podIP": "10.0.0.1"}
    POD.default(pod)
    POD.prepare_for_create(pod)
    assert pod["status"] == {"phase": "Pending", "qosClass": "BestEffort"}
    assert pod["spec"]["nodeName"] == "node-1"


def test_gated_pods_get_the_scheduling_gated_condition() -> None:
    pod = created({"schedulingGates": [{"name": "example.com/quota"}]})
    assert pod["status"]["conditions"] == [
        {
            "type": "PodScheduled",
            "status": "False",
            "reason": "SchedulingGated",
            "message": "Scheduling is blocked due to non-empty scheduling gates",
        }
    ]


def test_match_label_keys_are_merged_into_affinity_selectors() -> None:
    term = {
        "labelSelector": {"matchLabels": {"app": "web"}},
        "matchLabelKeys": ["pod-template-hash"],
        "mismatchLabelKeys": ["tenant"],
        "topologyKey": "kubernetes.io/hostname",
    }
    pod = created(
        {
            "affinity": {
                "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}
            }
        },
        labels={"app": "web", "pod-template-hash": "abc", "tenant": "t1"},
    )
    merged = pod["spec"]["affinity"]["podAntiAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"
    ][0]["labelSelector"]
    assert merged["matchExpressions"] == [
        {"key": "pod-template-hash", "operator": "In", "values": ["abc"]},
        {"key": "tenant", "operator": "NotIn", "values": ["t1"]},
    ]
    assert messages(pod) == []


def test_prepare_for_update_keeps_the_old_status() -> None:
    old = created()
    old["status"] = {"phase": "Running", "qosClass": "BestEffort", "podIP": "10.0.0.7"}
    new = copy.deepcopy(old)
    new["status"] = {"phase": "Failed"}
    POD.prepare_for_update(new, old)
    assert new["status"] == old["status"]


# -------------------------------------------------------------------------------------------
# Updates
# -------------------------------------------------------------------------------------------


def _update(old_spec: dict[str, Any] | None, change: dict[str, Any], **meta: Any) -> list[str]:
    old = created(old_spec, **meta)
    new = copy.deepcopy(old)
    for key, value in change.items():
        if value is None:
            new["spec"].pop(key, None)
        else:
            new["spec"][key] = value
    POD.default(new)
    POD.prepare_for_update(new, old)
    return [e.message for e in POD.validate_update(new, old)]


@pytest.mark.parametrize(
    ("old_spec", "change", "expected"),
    [
        pytest.param(None, {"containers": [C(image="nginx:1.27")]}, [], id="image-may-change"),
        pytest.param(None, {"activeDeadlineSeconds": 60}, [], id="deadline-may-be-set"),
        pytest.param(
            {"activeDeadlineSeconds": 60},
            {"activeDeadlineSeconds": 30},
            [],
            id="deadline-may-shrink",
        ),
        pytest.param(
            {"activeDeadlineSeconds": 60},
            {"activeDeadlineSeconds": 90},
            [
                "spec.activeDeadlineSeconds: Invalid value: 90: must be less than or equal to "
                "previous value"
            ],
            id="deadline-may-not-grow",
        ),
        pytest.param(
            {"activeDeadlineSeconds": 60},
            {"activeDeadlineSeconds": None},
            [
                "spec.activeDeadlineSeconds: Invalid value: null: must not update from a "
                "positive integer to nil value"
            ],
            id="deadline-may-not-be-removed",
        ),
        pytest.param(
            None,
            {"tolerations": [{"key": "k", "operator": "Exists"}]},
            [],
            id="tolerations-may-be-added",
        ),
        pytest.param(
            {
                "tolerations": [
                    {
                        "key": "k",
                        "operator": "Exists",
                        "effect": "NoExecute",
                        "tolerationSeconds": 60,
                    }
                ]
            },
            {
                "tolerations": [
                    {
                        "key": "k",
                        "operator": "Exists",
                        "effect": "NoExecute",
                        "tolerationSeconds": 10,
                    }
                ]
            },
            [],
            id="toleration-seconds-may-change",
        ),
        pytest.param(
            {"tolerations": [{"key": "k", "operator": "Exists"}]},
            {"tolerations": [{"key": "j", "operator": "Exists"}]},
            [
                "spec.tolerations: Forbidden: existing toleration can not be modified except "
                "its tolerationSeconds"
            ],
            id="tolerations-may-not-change",
        ),
        pytest.param(
            {"schedulingGates": [{"name": "example.com/a"}, {"name": "example.com/b"}]},
            {"schedulingGates": [{"name": "example.com/b"}]},
            [],
            id="scheduling-gates-may-be-removed",
        ),
        pytest.param(
            {"schedulingGates": [{"name": "example.com/a"}]},
            {"schedulingGates": [{"name": "example.com/a"}, {"name": "example.com/b"}]},
            [
                "spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found "
                "new scheduling gate 'example.com/b'"
            ],
            id="scheduling-gates-may-not-be-added",
        ),
        pytest.param(
            {"schedulingGates": [{"name": "example.com/a"}]},
            {"nodeSelector": {"zone": "a"}},
            [],
            id="gated-pod-node-selector-additions",
        ),
        pytest.param(
            {"schedulingGates": [{"name": "example.com/a"}], "nodeSelector": {"zone": "a"}},
            {"nodeSelector": {"zone": "b"}},
            [
                'spec.nodeSelector: Invalid value: map[string]string{"zone":"b"}: only '
                "additions to spec.nodeSelector are allowed (no mutations or deletions)"
            ],
            id="gated-pod-node-selector-no-mutations",
        ),
        pytest.param(
            {"terminationGracePeriodSeconds": -1},
            {"terminationGracePeriodSeconds": 1},
            [],
            id="negative-grace-period-may-become-one",
        ),
        pytest.param(
            None,
            {"containers": [C(), C(name="b")]},
            ["spec.containers: Forbidden: pod updates may not add or remove containers"],
            id="containers-may-not-be-added",
        ),
    ],
)
def test_pod_updates(
    old_spec: dict[str, Any] | None, change: dict[str, Any], expected: list[str]
) -> None:
    assert _update(old_spec, change) == expected


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"nodeName": "node-2"}, id="node-name"),
        pytest.param({"restartPolicy": "Never"}, id="restart-policy"),
        pytest.param({"containers": [C(env=[{"name": "A", "value": "b"}])]}, id="container-env"),
        pytest.param({"terminationGracePeriodSeconds": 60}, id="grace-period"),
    ],
)
def test_other_spec_changes_are_forbidden(change: dict[str, Any]) -> None:
    errs = _update(None, change)
    assert len(errs) == 1
    assert errs[0].startswith("spec: Forbidden: " + POD_UPDATE_FORBIDDEN + "\n")
    assert "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`," in errs[0]


def test_qos_is_immutable() -> None:
    errs = _update(None, {"containers": [C(resources={"requests": {"cpu": "1"}})]})
    assert errs[0] == 'metadata: Invalid value: "BestEffort": Pod QoS is immutable'
    assert errs[1].startswith("spec: Forbidden: pod updates may not change fields other than")


def test_mirror_pod_annotation_may_not_be_added() -> None:
    old = created({"nodeName": "node-1"})
    new = copy.deepcopy(old)
    new["metadata"]["annotations"] = {"kubernetes.io/config.mirror": "x"}
    assert [e.message for e in POD.validate_update(new, old)] == [
        "metadata.annotations[kubernetes.io/config.mirror]: Forbidden: may not add mirror pod "
        "annotation"
    ]


# -------------------------------------------------------------------------------------------
# Status updates
# -------------------------------------------------------------------------------------------


def _status_update(
    status: dict[str, Any], old_status: dict[str, Any] | None = None, **spec: Any
) -> list[str]:
    old = created(spec)
    old["status"].update(old_status or {})
    new = copy.deepcopy(old)
    new["status"] = {**old["status"], **status}
    return [e.message for e in POD.validate_status_update(new, old)]


TERMINATED = [{"name": "app", "state": {"terminated": {"exitCode": 0}}}]
RUNNING = [{"name": "app", "state": {"running": {}}}]


@pytest.mark.parametrize(
    ("status", "old_status", "spec", "expected"),
    [
        pytest.param(
            {"phase": "Running", "podIP": "10.0.0.5", "podIPs": [{"ip": "10.0.0.5"}]},
            None,
            {},
            [],
            id="running-with-ip",
        ),
        pytest.param(
            {"containerStatuses": RUNNING},
            {"containerStatuses": TERMINATED},
            {"restartPolicy": "Never"},
            [
                "status.containerStatuses[0].state: Forbidden: may not be transitioned to "
                "non-terminated state"
            ],
            id="never-restarted-stays-terminated",
        ),
        pytest.param(
            {"containerStatuses": RUNNING},
            {"containerStatuses": TERMINATED},
            {},
            [],
            id="always-restarted-may-run-again",
        ),
        pytest.param(
            {"podIPs": [{"ip": "10.0.0.300"}]},
            None,
            {},
            [
                'status.podIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, '
                "(e.g. 10.9.8.7 or 2001:db8::ffff)"
            ],
            id="pod-ip-valid",
        ),
        pytest.param(
            {"podIPs": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}]},
            None,
            {},
            [
                'status.podIPs: Invalid value: []core.PodIP{core.PodIP{IP:"10.0.0.1"}, '
                'core.PodIP{IP:"10.0.0.2"}}: may specify no more than one IP for each IP '
                "family"
            ],
            id="pod-ips-dual-stack-only",
        ),
        pytest.param(
            {"conditions": [{"type": "bad type", "status": "True"}]},
            None,
            {},
            [f'metadata.conditions[0].Type: Invalid value: "bad type": {QNAME_PART}'],
            id="custom-conditions-qualified",
        ),
    ],
)
def test_pod_status_updates(
    status: dict[str, Any],
    old_status: dict[str, Any] | None,
    spec: dict[str, Any],
    expected: list[str],
) -> None:
    assert _status_update(status, old_status, **spec) == expected


def test_binding_target() -> None:
    check = POD.extra["validate_binding"]
    assert [e.message for e in check({"target": {"kind": "Pod"}})] == [
        'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
        "target.name: Required value",
    ]
    assert check({"target": {"kind": "Node", "name": "n1"}}) == []


def test_kind_metadata() -> None:
    assert (POD.plural, POD.short_names, POD.categories, POD.namespaced) == (
        "pods",
        ("po",),
        ("all",),
        True,
    )
    assert POD.subresources == ("status", "binding", "eviction", "log", "ephemeralcontainers")
    assert POD.name_validator is not None and POD.name_validator("web.1", False) == []
