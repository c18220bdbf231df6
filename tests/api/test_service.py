"""Service hooks against upstream 1.32 (single-stack IPv4 cluster).

Cases carry facts from pkg/apis/core/v1/defaults_test.go (TestSetDefaultService*),
pkg/apis/core/validation/validation_test.go (TestValidateServiceCreate, ...Update),
pkg/registry/core/service/strategy_test.go and storage/rest_test.go (IP-family defaults).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from sim.api.builtin.service import SERVICE, parse_ip, validate_non_special_ip

Obj = dict[str, Any]
Edit = Callable[[Obj], None]

IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
TYPES = 'supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'
PROTOCOLS = 'supported values: "SCTP", "TCP", "UDP"'


def service(**spec: Any) -> Obj:
    body: Obj = {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}
    body.update(spec)
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": body}


def created(obj: Obj) -> Obj:
    SERVICE.default(obj)
    SERVICE.prepare_for_create(obj)
    return obj


def messages(obj: Obj) -> list[str]:
    return [e.message for e in SERVICE.validate(created(obj))]


def updated(old: Obj, new: Obj) -> list[str]:
    SERVICE.default(new)
    SERVICE.prepare_for_update(new, old)
    return [e.message for e in SERVICE.validate(new) + SERVICE.validate_update(new, old)]


def allocated(obj: Obj, ip: str = "10.96.0.10") -> Obj:
    """A created service as the IPAM model would leave it."""
    created(obj)
    obj["spec"].update(clusterIP=ip, clusterIPs=[ip])
    return obj


# -- defaulting ------------------------------------------------------------------------------
def test_minimal_service_defaults() -> None:
    obj = service(ports=[{"port": 80}])
    SERVICE.default(obj)
    assert obj["spec"] == {
        "selector": {"app": "web"},
        "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}],
        "sessionAffinity": "None",
        "type": "ClusterIP",
        "internalTrafficPolicy": "Cluster",
    }


DEFAULT_CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "named-target-port-kept",
        {"ports": [{"port": 80, "targetPort": "http"}]},
        {"ports": [{"port": 80, "targetPort": "http", "protocol": "TCP"}]},
    ),
    (
        "zero-target-port-becomes-port",
        {"ports": [{"port": 53, "targetPort": 0, "protocol": "UDP"}]},
        {"ports": [{"port": 53, "targetPort": 53, "protocol": "UDP"}]},
    ),
    (
        "node-port-gets-external-policy",
        {"type": "NodePort"},
        {"externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Cluster"},
    ),
    (
        "cluster-ip-with-external-ips-is-externally-accessible",
        {"externalIPs": ["203.0.113.7"]},
        {"externalTrafficPolicy": "Cluster"},
    ),
    (
        "load-balancer-allocates-node-ports",
        {"type": "LoadBalancer"},
        {"allocateLoadBalancerNodePorts": True, "externalTrafficPolicy": "Cluster"},
    ),
    (
        "client-ip-affinity-timeout",
        {"sessionAffinity": "ClientIP"},
        {"sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}}},
    ),
    (
        "client-ip-timeout-kept",
        {
            "sessionAffinity": "ClientIP",
            "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}},
        },
        {"sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}},
    ),
    (
        "external-name-has-no-traffic-policies",
        {"type": "ExternalName", "externalName": "db.example.com"},
        {"type": "ExternalName"},
    ),
]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [(s, x) for _, s, x in DEFAULT_CASES],
    ids=[i for i, _, _ in DEFAULT_CASES],
)
def test_service_defaults(spec: dict[str, Any], expected: dict[str, Any]) -> None:
    obj = service(**spec)
    SERVICE.default(obj)
    for key, value in expected.items():
        assert obj["spec"][key] == value
    if obj["spec"]["type"] == "ExternalName":
        assert "internalTrafficPolicy" not in obj["spec"]
    if obj["spec"]["type"] == "ClusterIP" and not obj["spec"].get("externalIPs"):
        assert "externalTrafficPolicy" not in obj["spec"]


def test_session_affinity_none_drops_config() -> None:
    obj = service(sessionAffinityConfig={"clientIP": {"timeoutSeconds": 5}})
    SERVICE.default(obj)
    assert "sessionAffinityConfig" not in obj["spec"]


PREPARE_CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("no-cluster-ip-yet", {}, {"ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4"]}),
    (
        "cluster-ips-mirror-cluster-ip",
        {"clusterIP": "10.96.0.20"},
        {"clusterIPs": ["10.96.0.20"], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack"},
    ),
    (
        "headless-with-selector-is-single-stack",
        {"clusterIP": "None"},
        {"clusterIPs": ["None"], "ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4"]},
    ),
    (
        "headless-without-selector-requires-dual-stack",
        {"clusterIP": "None", "selector": None},
        {"ipFamilyPolicy": "RequireDualStack", "ipFamilies": ["IPv4", "IPv6"]},
    ),
    (
        "prefer-dual-stack-stays-ipv4",
        {"ipFamilyPolicy": "PreferDualStack"},
        {"ipFamilyPolicy": "PreferDualStack", "ipFamilies": ["IPv4"]},
    ),
]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [(s, x) for _, s, x in PREPARE_CASES],
    ids=[i for i, _, _ in PREPARE_CASES],
)
def test_create_initialises_ip_fields(spec: dict[str, Any], expected: dict[str, Any]) -> None:
    obj = created(service(**spec))
    for key, value in expected.items():
        assert obj["spec"][key] == value
    assert obj["status"] == {"loadBalancer": {}}
    assert SERVICE.validate(obj) == []


def test_external_name_gets_no_ip_fields() -> None:
    obj = created(service(type="ExternalName", externalName="db.example.com", ports=[]))
    assert not {"clusterIPs", "ipFamilies", "ipFamilyPolicy"} & obj["spec"].keys()
    assert SERVICE.validate(obj) == []


def test_create_clears_status() -> None:
    obj = service(type="LoadBalancer")
    obj["status"] = {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}
    assert created(obj)["status"] == {"loadBalancer": {}}


# -- validation ------------------------------------------------------------------------------
def _ports(*ports: dict[str, Any]) -> Edit:
    return lambda s: s["spec"].update(ports=list(ports))


def _spec(**fields: Any) -> Edit:
    return lambda s: s["spec"].update(fields)


VALIDATION_CASES: list[tuple[str, Edit, list[str]]] = [
    ("valid", lambda s: None, []),
    ("no-ports", _ports(), ["spec.ports: Required value"]),
    ("headless-needs-no-ports", _spec(ports=[], clusterIP="None"), []),
    (
        "second-port-needs-a-name",
        _ports({"name": "http", "port": 80}, {"port": 443}),
        ["spec.ports[1].name: Required value"],
    ),
    (
        "duplicate-port-names",
        _ports({"name": "http", "port": 80}, {"name": "http", "port": 81}),
        ['spec.ports[1].name: Duplicate value: "http"'],
    ),
    (
        "port-name-is-a-dns-label",
        _ports({"name": "HTTP", "port": 80}),
        [
            'spec.ports[0].name: Invalid value: "HTTP": a lowercase RFC 1123 label must consist of '
            "lower case alphanumeric characters or '-', and must start and end with an alphanumeric "
            "character (e.g. 'my-name',  or '123-abc', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        ],
    ),
    (
        "port-zero-also-defaults-target-port-to-zero",
        _ports({"port": 0}),
        [
            "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
        ],
    ),
    (
        "port-too-large",
        _ports({"port": 65536, "targetPort": 80}),
        ["spec.ports[0].port: Invalid value: 65536: must be between 1 and 65535, inclusive"],
    ),
    (
        "unsupported-protocol",
        _ports({"port": 80, "protocol": "HTTP"}),
        [f'spec.ports[0].protocol: Unsupported value: "HTTP": {PROTOCOLS}'],
    ),
    (
        "target-port-name-charset",
        _ports({"port": 80, "targetPort": "web_http"}),
        [
            'spec.ports[0].targetPort: Invalid value: "web_http": must contain only alpha-numeric '
            "characters (a-z, 0-9), and hyphens (-)"
        ],
    ),
    (
        "target-port-name-length",
        _ports({"port": 80, "targetPort": "abcdefghijklmnop"}),
        [
            'spec.ports[0].targetPort: Invalid value: "abcdefghijklmnop": '
            "must be no more than 15 characters"
        ],
    ),
    (
        "duplicate-port-and-protocol",
        _ports({"name": "a", "port": 80}, {"name": "b", "port": 80}),
        [
            'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", '
            "AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, "
            'StrVal:""}, NodePort:0}'
        ],
    ),
    (
        "same-port-other-protocol",
        _ports({"name": "a", "port": 53}, {"name": "b", "port": 53, "protocol": "UDP"}),
        [],
    ),
    (
        "unknown-type",
        _spec(type="Internal"),
        [f'spec.type: Unsupported value: "Internal": {TYPES}'],
    ),
    (
        "node-port-on-cluster-ip",
        _ports({"port": 80, "nodePort": 30080}),
        ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    ),
    ("node-port-in-range", _spec(type="NodePort", ports=[{"port": 80, "nodePort": 30080}]), []),
    (
        "node-port-out-of-range",
        _spec(type="NodePort", ports=[{"port": 80, "nodePort": 40000}]),
        [
            "spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. "
            "The range of valid ports is 30000-32767"
        ],
    ),
    (
        "duplicate-node-ports",
        _spec(
            type="NodePort",
            ports=[
                {"name": "a", "port": 80, "nodePort": 30080},
                {"name": "b", "port": 81, "nodePort": 30080},
            ],
        ),
        ["spec.ports[1].nodePort: Duplicate value: 30080"],
    ),
    (
        "headless-node-port",
        _spec(type="NodePort", clusterIP="None"),
        [
            "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"
        ],
    ),
    (
        "kubelet-port-on-load-balancer",
        _spec(type="LoadBalancer", ports=[{"port": 10250}]),
        [
            "spec.ports[0]: Invalid value: 10250: may not expose port 10250 externally since it is "
            "used by kubelet"
        ],
    ),
    (
        "invalid-cluster-ip-stops-before-validation",
        _spec(clusterIP="10.0.0.300", ports=[]),
        [f'spec.clusterIPs[0]: Invalid value: "10.0.0.300": {IP_MSG}'],
    ),
    (
        "ipv6-cluster-ip",
        _spec(clusterIP="2001:db8::1"),
        [
            'spec.clusterIPs[0]: Invalid value: []string{"2001:db8::1"}: '
            "IPv6 is not configured on this cluster"
        ],
    ),
    (
        "require-dual-stack",
        _spec(ipFamilyPolicy="RequireDualStack"),
        [
            'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": '
            "this cluster is not configured for dual-stack services"
        ],
    ),
    (
        "ipv6-family",
        _spec(ipFamilies=["IPv6"]),
        ['spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'],
    ),
    (
        "unknown-ip-family-policy",
        _spec(ipFamilyPolicy="Maybe"),
        [
            'spec.ipFamilyPolicy: Unsupported value: "Maybe": supported values: "PreferDualStack", '
            '"RequireDualStack", "SingleStack"'
        ],
    ),
    (
        "cluster-ips-must-match-cluster-ip",
        _spec(clusterIP="10.96.0.1", clusterIPs=["10.96.0.2"]),
        [
            'spec.clusterIPs: Invalid value: []string{"10.96.0.2"}: first value must match `clusterIP`'
        ],
    ),
    (
        "external-name-without-name",
        _spec(type="ExternalName", ports=[]),
        ["spec.externalName: Required value"],
    ),
    ("external-name-trailing-dot", _spec(type="ExternalName", externalName="db.example.com."), []),
    (
        "external-name-invalid",
        _spec(type="ExternalName", externalName="db_1.example.com"),
        [
            'spec.externalName: Invalid value: "db_1.example.com": a lowercase RFC 1123 subdomain '
            "must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
            "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        ],
    ),
    (
        "external-name-with-cluster-ip",
        _spec(type="ExternalName", externalName="a.b", clusterIP="10.96.0.5"),
        ["spec.clusterIPs: Forbidden: may not be set for ExternalName services"],
    ),
    (
        "unsupported-session-affinity",
        _spec(sessionAffinity="Sticky"),
        ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'],
    ),
    (
        "client-ip-timeout-zero",
        _spec(
            sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": 0}}
        ),
        [
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: "
            "must be greater than 0 and less than 86400"
        ],
    ),
    (
        "client-ip-timeout-max-is-fine",
        _spec(
            sessionAffinity="ClientIP",
            sessionAffinityConfig={"clientIP": {"timeoutSeconds": 86400}},
        ),
        [],
    ),
    (
        "loopback-external-ip",
        _spec(externalIPs=["127.0.0.1"]),
        [
            'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range '
            "(127.0.0.0/8, ::1/128)"
        ],
    ),
    (
        "malformed-external-ip",
        _spec(externalIPs=["1.2.3"]),
        [f'spec.externalIPs[0]: Invalid value: "1.2.3": {IP_MSG}'],
    ),
    (
        "selector-key-is-a-label-name",
        _spec(selector={"a b": "web"}),
        [
            'spec.selector: Invalid value: "a b": name part must consist of alphanumeric characters, '
            "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  "
            "or 'my.name',  or '123-abc', regex used for validation is "
            "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        ],
    ),
    (
        "external-policy-needs-external-access",
        _spec(externalTrafficPolicy="Local"),
        [
            'spec.externalTrafficPolicy: Invalid value: "Local": '
            "may only be set for externally-accessible services"
        ],
    ),
    (
        "local-load-balancer-needs-health-check-port",
        _spec(type="LoadBalancer", externalTrafficPolicy="Local"),
        ["spec.healthCheckNodePort: Required value"],
    ),
    (
        "health-check-port-only-for-local-lb",
        _spec(type="NodePort", healthCheckNodePort=30100),
        [
            "spec.healthCheckNodePort: Invalid value: 30100: may only be set when `type` is "
            "'LoadBalancer' and `externalTrafficPolicy` is 'Local'"
        ],
    ),
    (
        "source-ranges-only-for-load-balancers",
        _spec(loadBalancerSourceRanges=["10.0.0.0/8"]),
        [
            "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"
        ],
    ),
    (
        "invalid-source-range",
        _spec(type="LoadBalancer", loadBalancerSourceRanges=["10.0.0.0/33"]),
        [
            'spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR '
            "value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
        ],
    ),
    (
        "load-balancer-class-needs-load-balancer",
        _spec(loadBalancerClass="example.com/lb"),
        ["spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"],
    ),
    (
        "unsupported-internal-traffic-policy",
        _spec(internalTrafficPolicy="Node"),
        [
            'spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"'
        ],
    ),
    (
        "unsupported-traffic-distribution",
        _spec(trafficDistribution="PreferSameZone"),
        [
            'spec.trafficDistribution: Unsupported value: "PreferSameZone": '
            'supported values: "PreferClose"'
        ],
    ),
    (
        "errors-in-upstream-order",
        _spec(
            type="NodePort",
            sessionAffinity="Sticky",
            ports=[{"port": 80, "protocol": "ICMP"}, {"port": 81}],
        ),
        [
            "spec.ports[0].name: Required value",
            f'spec.ports[0].protocol: Unsupported value: "ICMP": {PROTOCOLS}',
            "spec.ports[1].name: Required value",
            'spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"',
        ],
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [(e, x) for _, e, x in VALIDATION_CASES],
    ids=[i for i, _, _ in VALIDATION_CASES],
)
def test_service_validation(edit: Edit, expected: list[str]) -> None:
    obj = service()
    edit(obj)
    assert messages(obj) == expected


def test_kind_registration_facts() -> None:
    assert SERVICE.short_names == ("svc",) and SERVICE.categories == ("all",)
    assert SERVICE.subresources == ("status", "proxy") and SERVICE.allow_create_on_update
    assert SERVICE.name_validator is not None
    assert SERVICE.name_validator("1web", False)  # DNS-1035: must start with a letter


# -- update ----------------------------------------------------------------------------------
def test_put_without_cluster_ip_keeps_the_allocated_one() -> None:
    old = allocated(service())
    new = service()
    assert updated(old, new) == []
    assert (new["spec"]["clusterIP"], new["spec"]["clusterIPs"]) == ("10.96.0.10", ["10.96.0.10"])


def test_changing_both_cluster_ip_fields_is_refused() -> None:
    old = allocated(service())
    new = service(clusterIP="10.96.0.11", clusterIPs=["10.96.0.11"])
    assert updated(old, new) == [
        'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set'
    ]


@pytest.mark.parametrize(
    "keep_cluster_ips", [True, False], ids=["clusterIPs-as-stored", "clusterIPs-left-out"]
)
def test_changing_only_cluster_ip_follows_into_cluster_ips(keep_cluster_ips: bool) -> None:
    old = allocated(service())
    new = copy.deepcopy(old)
    new["spec"]["clusterIP"] = "10.96.0.11"
    if not keep_cluster_ips:
        del new["spec"]["clusterIPs"]
    assert updated(old, new) == [
        'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set'
    ]


def test_put_without_node_port_keeps_the_allocated_one() -> None:
    old = service(type="NodePort", ports=[{"name": "http", "port": 80}])
    created(old)
    old["spec"]["ports"][0]["nodePort"] = 30500
    new = service(type="NodePort", ports=[{"name": "http", "port": 80}])
    assert updated(old, new) == []
    assert new["spec"]["ports"][0]["nodePort"] == 30500


def test_switch_to_external_name_drops_ip_fields() -> None:
    old = allocated(service())
    new = copy.deepcopy(old)
    new["spec"].update(type="ExternalName", externalName="db.example.com")
    assert updated(old, new) == []
    assert not {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"} & new["spec"].keys()


def test_switch_from_node_port_to_cluster_ip_drops_node_ports() -> None:
    old = service(type="NodePort", ports=[{"port": 80, "nodePort": 30080}])
    allocated(old)
    new = copy.deepcopy(old)
    new["spec"]["type"] = "ClusterIP"
    assert updated(old, new) == []
    assert "nodePort" not in new["spec"]["ports"][0]
    assert "externalTrafficPolicy" not in new["spec"]


def test_load_balancer_class_may_not_change() -> None:
    old = allocated(service(type="LoadBalancer", loadBalancerClass="example.com/a"))
    new = copy.deepcopy(old)
    new["spec"]["loadBalancerClass"] = "example.com/b"
    assert updated(old, new) == [
        'spec.loadBalancerClass: Invalid value: "example.com/b": may not change once set'
    ]


# -- status ----------------------------------------------------------------------------------
STATUS_CASES: list[tuple[str, str, list[dict[str, Any]], list[str]]] = [
    ("load-balancer-ingress", "LoadBalancer", [{"ip": "203.0.113.9", "ipMode": "VIP"}], []),
    (
        "ingress-needs-load-balancer",
        "ClusterIP",
        [{"ip": "203.0.113.9"}],
        [
            "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is "
            "'LoadBalancer'"
        ],
    ),
    (
        "ingress-ip-must-be-valid",
        "LoadBalancer",
        [{"ip": "203.0.113", "ipMode": "VIP"}],
        [f'status.loadBalancer.ingress[0].ip: Invalid value: "203.0.113": {IP_MSG}'],
    ),
    (
        "ingress-hostname-not-an-ip",
        "LoadBalancer",
        [{"hostname": "1.2.3.4"}],
        [
            'status.loadBalancer.ingress[0].hostname: Invalid value: "1.2.3.4": '
            "must be a DNS name, not an IP address"
        ],
    ),
]


@pytest.mark.parametrize(
    ("type_", "ingress", "expected"),
    [(t, i, x) for _, t, i, x in STATUS_CASES],
    ids=[i for i, _, _, _ in STATUS_CASES],
)
def test_status_update_validation(
    type_: str, ingress: list[dict[str, Any]], expected: list[str]
) -> None:
    old = allocated(service(type=type_))
    new = copy.deepcopy(old)
    new["status"] = {"loadBalancer": {"ingress": ingress}}
    assert [e.message for e in SERVICE.validate_status_update(new, old)] == expected


# -- IP helpers ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("10.0.0.1", "10.0.0.1"),
        ("010.000.000.001", "10.0.0.1"),
        ("::ffff:10.0.0.1", "10.0.0.1"),
        ("2001:db8::1", "2001:db8::1"),
        ("fe80::1%eth0", None),
        ("10.0.0.256", None),
        ("10.0.0.0/8", None),
        ("", None),
    ],
    ids=[
        "ipv4",
        "sloppy-leading-zeros",
        "ipv4-mapped-is-ipv4",
        "ipv6",
        "zone-rejected",
        "octet-too-large",
        "cidr-is-not-an-ip",
        "empty",
    ],
)
def test_parse_ip_is_sloppy_like_netutils(text: str, parsed: str | None) -> None:
    ip = parse_ip(text)
    assert (str(ip) if ip is not None else None) == parsed


@pytest.mark.parametrize(
    ("ip", "detail"),
    [
        ("0.0.0.0", "may not be unspecified (0.0.0.0)"),
        ("::1", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
        ("169.254.169.254", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
        ("224.0.0.251", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
        ("ff02::fb", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
    ],
    ids=["unspecified", "ipv6-loopback", "link-local", "mdns-multicast", "ipv6-mdns-multicast"],
)
def test_special_ips_are_refused(ip: str, detail: str) -> None:
    assert [e.detail for e in validate_non_special_ip(ip, "x")] == [detail]
