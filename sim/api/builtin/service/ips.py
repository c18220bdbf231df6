"""IP helpers core validation shares: parsing, IsValidIP, IsValidCIDR, ValidateNonSpecialIP.

Models k8s.io/utils/net (ParseIPSloppy, ParseCIDRSloppy: IPv4 may have leading zeros,
IPv4-mapped IPv6 counts as IPv4) and k8s.io/apimachinery/pkg/util/validation/ip.go with the 1.32
messages. Services, Endpoints and EndpointSlices use them. Pure functions; no input is mutated.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Network, IPv6Address, ip_network
from typing import Any

from sim.api.errors import FieldError, invalid

Errs = list[FieldError]
IP = IPv4Address | IPv6Address
INVALID_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
INVALID_CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"

_ipv4_sloppy_re = re.compile(r"([0-9]+)\.([0-9]+)\.([0-9]+)\.([0-9]+)\Z")
_LINK_LOCAL_MULTICAST_V4 = IPv4Network("224.0.0.0/24")


# -- IP helpers (k8s.io/utils/net, k8s.io/apimachinery/pkg/util/validation/ip.go) -------------
def parse_ip(value: Any) -> IP | None:
    """netutils.ParseIPSloppy: IPv4 may have leading zeros; IPv4-mapped IPv6 counts as IPv4."""
    if not isinstance(value, str) or not value or "%" in value:
        return None
    m = _ipv4_sloppy_re.match(value)
    if m:
        octets = [int(g) for g in m.groups()]
        return IPv4Address(bytes(octets)) if max(octets) <= 255 else None
    if ":" not in value:
        return None
    try:
        ip = IPv6Address(value)
    except ValueError:
        return None
    return ip.ipv4_mapped or ip


def is_valid_ip(path: str, value: Any) -> Errs:
    """upstream validation.IsValidIP (1.32 message)."""
    return [] if parse_ip(value) is not None else [invalid(path, value, INVALID_IP)]


def is_valid_cidr(path: str, value: Any) -> Errs:
    """upstream validation.IsValidCIDR with netutils.ParseCIDRSloppy."""
    ok = isinstance(value, str) and value.count("/") == 1
    if ok:
        addr, _, bits = value.partition("/")
        ok = parse_ip(addr) is not None and bits.isdigit() and bits.isascii()
        if ok:
            try:
                ip_network(f"{parse_ip(addr)}/{int(bits)}", strict=False)
            except ValueError:
                ok = False
    return [] if ok else [invalid(path, value, INVALID_CIDR)]


def validate_non_special_ip(value: Any, path: str) -> Errs:
    """upstream ValidateNonSpecialIP: no unspecified, loopback or link-local addresses."""
    ip = parse_ip(value)
    if ip is None:
        return [invalid(path, value, "must be a valid IP address")]
    errs: Errs = []
    if ip.is_unspecified:
        errs.append(invalid(path, value, f"may not be unspecified ({value})"))
    if ip.is_loopback:
        errs.append(invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if ip.is_link_local:
        msg = "may not be in the link-local range (169.254.0.0/16, fe80::/10)"
        errs.append(invalid(path, value, msg))
    if _is_link_local_multicast(ip):
        msg = "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"
        errs.append(invalid(path, value, msg))
    return errs


def _is_link_local_multicast(ip: IP) -> bool:
    if isinstance(ip, IPv4Address):
        return ip in _LINK_LOCAL_MULTICAST_V4
    packed = ip.packed
    return packed[0] == 0xFF and packed[1] & 0x0F == 0x02


def _family(ip: str) -> str:
    return "IPv6" if isinstance(parse_ip(ip), IPv6Address) else "IPv4"
