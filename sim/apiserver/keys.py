"""Where objects live in the store: `/registry/<resource>[.<group>]/[<namespace>/]<name>`.

Upstream (pkg/registry/*/storage) uses `/registry/<resource>/...` for built-in kinds; we always
qualify non-core resources with their group so that kinds from different groups never collide.
"""

from __future__ import annotations

from sim.api.kinds import Kind


def kind_prefix(kind: Kind) -> str:
    return f"/registry/{kind.group_resource}/"


def list_prefix(kind: Kind, namespace: str | None) -> str:
    if kind.namespaced and namespace:
        return f"{kind_prefix(kind)}{namespace}/"
    return kind_prefix(kind)


def object_key(kind: Kind, namespace: str | None, name: str) -> str:
    if kind.namespaced:
        return f"/registry/{kind.group_resource}/{namespace}/{name}"
    return f"/registry/{kind.group_resource}/{name}"


def object_ref(kind: Kind, namespace: str | None, name: str) -> str:
    """The short reference the trace uses: `pods/default/web-1`, `nodes/n1`."""
    if kind.namespaced:
        return f"{kind.group_resource}/{namespace}/{name}"
    return f"{kind.group_resource}/{name}"
