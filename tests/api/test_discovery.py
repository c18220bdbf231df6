"""Endpoints and EndpointSlice hooks against upstream 1.32.

Cases carry facts from pkg/apis/core/validation/validation_test.go (TestValidateEndpoints*),
pkg/apis/discovery/validation/validation_test.go, pkg/apis/discovery/v1/defaults_test.go and
pkg/registry/discovery/endpointslice/strategy_test.go.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from sim.api.builtin.discovery import ENDPOINTS, ENDPOINTSLICE, is_fully_qualified_domain_name

Obj = dict[str, Any]
Edit = Callable[[Obj], None]

IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
PROTOCOLS = 'supported values: "SCTP", "TCP", "UDP"'
LOOPBACK = "may not be in the loopback range (127.0.0.0/8, ::1/128)"
LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)


def endpoints(**subset: Any) -> Obj:
    body: Obj = {"addresses": [{"ip": "10.244.1.5"}], "ports": [{"port": 8080}]}
    body.update(subset)
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "web", "namespace": "default"},
        "subsets": [body],
    }


def endpoint_slice(**fields: Any) -> Obj:
    obj: Obj = {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": "web-abc",
            "namespace": "default",
            "labels": {"kubernetes.io/service-name": "web"},
        },
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.244.1.5"], "conditions": {"ready": True}}],
        "ports": [{"name": "http", "port": 8080}],
    }
    obj.update(fields)
    return obj


def ep_messages(obj: Obj) -> list[str]:
    ENDPOINTS.default(obj)
    ENDPOINTS.prepare_for_create(obj)
    return [e.message for e in ENDPOINTS.validate(obj)]


def slice_messages(obj: Obj) -> list[str]:
    ENDPOINTSLICE.default(obj)
    ENDPOINTSLICE.prepare_for_create(obj)
    return [e.message for e in ENDPOINTSLICE.validate(obj)]


# -- Endpoints -------------------------------------------------------------------------------
def test_endpoints_ports_default_to_tcp() -> None:
    obj = endpoints(ports=[{"port": 80}, {"port": 53, "protocol": "UDP"}])
    ENDPOINTS.default(obj)
    assert [p["protocol"] for p in obj["subsets"][0]["ports"]] == ["TCP", "UDP"]


def _sub(**fields: Any) -> Edit:
    return lambda e: e["subsets"][0].update(fields)


ENDPOINTS_CASES: list[tuple[str, Edit, list[str]]] = [
    ("valid", lambda e: None, []),
    ("no-subsets", lambda e: e.update(subsets=[]), []),
    ("not-ready-only", _sub(addresses=[], notReadyAddresses=[{"ip": "10.244.1.6"}]), []),
    ("headless-without-ports", _sub(ports=[]), []),
    (
        "subset-without-addresses",
        _sub(addresses=[]),
        ["subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"],
    ),
    (
        "malformed-ip-fails-twice",
        _sub(addresses=[{"ip": "10.244.1"}]),
        [
            f'subsets[0].addresses[0].ip: Invalid value: "10.244.1": {IP_MSG}',
            'subsets[0].addresses[0].ip: Invalid value: "10.244.1": must be a valid IP address',
        ],
    ),
    (
        "loopback",
        _sub(addresses=[{"ip": "127.0.0.1"}]),
        [f'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": {LOOPBACK}'],
    ),
    (
        "unspecified-not-ready",
        _sub(notReadyAddresses=[{"ip": "0.0.0.0"}]),
        [
            'subsets[0].notReadyAddresses[0].ip: Invalid value: "0.0.0.0": '
            "may not be unspecified (0.0.0.0)"
        ],
    ),
    (
        "hostname-is-a-dns-label",
        _sub(addresses=[{"ip": "10.244.1.5", "hostname": "web_0"}]),
        [f'subsets[0].addresses[0].hostname: Invalid value: "web_0": {LABEL_MSG}'],
    ),
    (
        "node-name-is-a-subdomain",
        _sub(addresses=[{"ip": "10.244.1.5", "nodeName": "Node-1"}]),
        [
            'subsets[0].addresses[0].nodeName: Invalid value: "Node-1": a lowercase RFC 1123 '
            "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
            "start and end with an alphanumeric character (e.g. 'example.com', regex used for "
            "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        ],
    ),
    (
        "second-port-needs-name",
        _sub(ports=[{"name": "http", "port": 80}, {"port": 443}]),
        ["subsets[0].ports[1].name: Required value"],
    ),
    (
        "port-zero",
        _sub(ports=[{"port": 0}]),
        ["subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"],
    ),
    (
        "unsupported-protocol",
        _sub(ports=[{"port": 80, "protocol": "ICMP"}]),
        [f'subsets[0].ports[0].protocol: Unsupported value: "ICMP": {PROTOCOLS}'],
    ),
    ("app-protocol-is-a-qualified-name", _sub(ports=[{"port": 80, "appProtocol": "h2c"}]), []),
]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [(e, x) for _, e, x in ENDPOINTS_CASES],
    ids=[i for i, _, _ in ENDPOINTS_CASES],
)
def test_endpoints_validation(edit: Edit, expected: list[str]) -> None:
    obj = endpoints()
    edit(obj)
    assert ep_messages(obj) == expected


def test_endpoints_facts() -> None:
    assert ENDPOINTS.short_names == ("ep",) and ENDPOINTS.allow_create_on_update
    assert ENDPOINTS.api_version == "v1" and ENDPOINTS.plural == "endpoints"
    assert ENDPOINTSLICE.short_names == () and ENDPOINTSLICE.api_version == "discovery.k8s.io/v1"


# -- EndpointSlice ---------------------------------------------------------------------------
def test_slice_port_defaults_and_conditions_untouched() -> None:
    obj = endpoint_slice(ports=[{"port": 80}, {"name": "dns", "port": 53, "protocol": "UDP"}])
    ENDPOINTSLICE.default(obj)
    assert obj["ports"] == [
        {"port": 80, "name": "", "protocol": "TCP"},
        {"name": "dns", "port": 53, "protocol": "UDP"},
    ]
    assert obj["endpoints"][0]["conditions"] == {"ready": True}


def _many(n: int, make: Callable[[int], Any]) -> list[Any]:
    return [make(i) for i in range(n)]


SLICE_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("valid", {}, []),
    ("no-endpoints-no-ports", {"endpoints": [], "ports": []}, []),
    ("ipv6", {"addressType": "IPv6", "endpoints": [{"addresses": ["2001:db8::5"]}]}, []),
    ("fqdn", {"addressType": "FQDN", "endpoints": [{"addresses": ["db.example.com."]}]}, []),
    ("missing-address-type", {"addressType": ""}, ["addressType: Required value"]),
    (
        "deprecated-ip-address-type",
        {"addressType": "IP"},
        ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"'],
    ),
    (
        "endpoint-without-addresses",
        {"endpoints": [{"addresses": []}]},
        ["endpoints[0].addresses: Required value: must contain at least 1 address"],
    ),
    (
        "ipv6-in-ipv4-slice",
        {"endpoints": [{"addresses": ["2001:db8::5"]}]},
        ['endpoints[0].addresses[0]: Invalid value: "2001:db8::5": must be a valid IPv4 address'],
    ),
    (
        "ipv4-in-ipv6-slice",
        {"addressType": "IPv6", "endpoints": [{"addresses": ["10.0.0.1"]}]},
        ['endpoints[0].addresses[0]: Invalid value: "10.0.0.1": must be a valid IPv6 address'],
    ),
    (
        "loopback-address",
        {"endpoints": [{"addresses": ["127.0.0.1"]}]},
        [f'endpoints[0].addresses[0]: Invalid value: "127.0.0.1": {LOOPBACK}'],
    ),
    (
        "single-label-fqdn",
        {"addressType": "FQDN", "endpoints": [{"addresses": ["db"]}]},
        [
            'endpoints[0].addresses[0]: Invalid value: "db": '
            "should be a domain with at least two segments separated by dots"
        ],
    ),
    (
        "node-name",
        {"endpoints": [{"addresses": ["10.0.0.1"], "nodeName": "node_1"}]},
        [
            'endpoints[0].nodeName: Invalid value: "node_1": a lowercase RFC 1123 subdomain must '
            "consist of lower case alphanumeric characters, '-' or '.', and must start and end with "
            "an alphanumeric character (e.g. 'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        ],
    ),
    (
        "hostname",
        {"endpoints": [{"addresses": ["10.0.0.1"], "hostname": "web.0"}]},
        ['endpoints[0].hostname: Invalid value: "web.0": must not contain dots'],
    ),
    ("zone-is-not-validated", {"endpoints": [{"addresses": ["10.0.0.1"], "zone": "Zone A!"}]}, []),
    (
        "duplicate-zone-hints",
        {
            "endpoints": [
                {
                    "addresses": ["10.0.0.1"],
                    "hints": {"forZones": [{"name": "zone-a"}, {"name": "zone-a"}]},
                }
            ]
        },
        ['endpoints[0].hints.forZones[1].name: Duplicate value: "zone-a"'],
    ),
    (
        "duplicate-port-names",
        {"ports": [{"name": "http", "port": 80}, {"name": "http", "port": 81}]},
        ['ports[1].name: Duplicate value: "http"'],
    ),
    (
        "two-unnamed-ports",
        {"ports": [{"port": 80}, {"port": 81}]},
        ['ports[1].name: Duplicate value: ""'],
    ),
    (
        "port-name-is-a-dns-label",
        {"ports": [{"name": "HTTP", "port": 80}]},
        [f'ports[0].name: Invalid value: "HTTP": {LABEL_MSG}'],
    ),
    (
        "unsupported-protocol",
        {"ports": [{"name": "x", "port": 80, "protocol": "ICMP"}]},
        [f'ports[0].protocol: Unsupported value: "ICMP": {PROTOCOLS}'],
    ),
    ("port-numbers-are-not-validated", {"ports": [{"name": "x", "port": 0}]}, []),
]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [(f, x) for _, f, x in SLICE_CASES],
    ids=[i for i, _, _ in SLICE_CASES],
)
def test_endpoint_slice_validation(fields: dict[str, Any], expected: list[str]) -> None:
    assert slice_messages(endpoint_slice(**fields)) == expected


@pytest.mark.parametrize(
    ("fields", "path", "limit"),
    [
        (
            {"endpoints": _many(1001, lambda i: {"addresses": [f"10.1.{i // 250}.{i % 250 + 1}"]})},
            "endpoints",
            1000,
        ),
        (
            {"endpoints": [{"addresses": _many(101, lambda i: f"10.2.0.{i + 1}")}]},
            "endpoints[0].addresses",
            100,
        ),
        ({"ports": _many(20001, lambda i: {"name": f"p{i}", "port": 1000})}, "ports", 20000),
    ],
    ids=["at-most-1000-endpoints", "at-most-100-addresses", "at-most-20000-ports"],
)
def test_endpoint_slice_limits(fields: dict[str, Any], path: str, limit: int) -> None:
    obj = endpoint_slice(**fields)
    ENDPOINTSLICE.default(obj)
    errs = ENDPOINTSLICE.validate(obj)
    assert [(e.path, e.reason, e.detail) for e in errs] == [
        (path, "FieldValueTooMany", f"must have at most {limit} items")
    ]


def test_address_type_is_immutable() -> None:
    old = endpoint_slice()
    ENDPOINTSLICE.default(old)
    new = endpoint_slice(addressType="FQDN", endpoints=[])
    ENDPOINTSLICE.default(new)
    assert [e.message for e in ENDPOINTSLICE.validate_update(new, old)] == [
        'addressType: Invalid value: "FQDN": field is immutable'
    ]


def test_slice_generation_starts_at_one_and_moves_with_content() -> None:
    obj = endpoint_slice()
    ENDPOINTSLICE.prepare_for_create(obj)
    assert obj["metadata"]["generation"] == 1
    same = copy.deepcopy(obj)
    same["metadata"]["annotations"] = {"a": "b"}
    ENDPOINTSLICE.prepare_for_update(same, obj)
    assert same["metadata"]["generation"] == 1
    moved = copy.deepcopy(obj)
    moved["endpoints"][0]["conditions"] = {"ready": False}
    ENDPOINTSLICE.prepare_for_update(moved, obj)
    assert moved["metadata"]["generation"] == 2
    relabelled = copy.deepcopy(obj)
    relabelled["metadata"]["labels"]["extra"] = "x"
    ENDPOINTSLICE.prepare_for_update(relabelled, obj)
    assert relabelled["metadata"]["generation"] == 2


def test_v1_writes_drop_deprecated_topology() -> None:
    obj = endpoint_slice(
        endpoints=[
            {"addresses": ["10.0.0.1"], "deprecatedTopology": {"kubernetes.io/hostname": "n1"}}
        ]
    )
    ENDPOINTSLICE.prepare_for_create(obj)
    assert obj["endpoints"] == [{"addresses": ["10.0.0.1"]}]


def test_update_keeps_a_node_name_from_old_topology() -> None:
    topo = {"kubernetes.io/hostname": "node-1"}
    old = endpoint_slice(endpoints=[{"addresses": ["10.0.0.1"], "deprecatedTopology": topo}])
    new = endpoint_slice(endpoints=[{"addresses": ["10.0.0.2"], "deprecatedTopology": topo}])
    ENDPOINTSLICE.prepare_for_update(new, old)
    assert new["endpoints"] == [{"addresses": ["10.0.0.2"], "nodeName": "node-1"}]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("example.com", []),
        ("example.com.", []),
        ("", ["x: Required value"]),
        (
            "example",
            [
                'x: Invalid value: "example": '
                "should be a domain with at least two segments separated by dots"
            ],
        ),
    ],
    ids=["two-labels", "trailing-dot", "empty", "one-label"],
)
def test_fully_qualified_domain_name(name: str, expected: list[str]) -> None:
    assert [e.message for e in is_fully_qualified_domain_name("x", name)] == expected
