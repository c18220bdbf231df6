"""Patch metadata: the `patchStrategy` / `patchMergeKey` struct tags, as data.

Tabulates the tags of k8s.io/api core/v1, apps/v1, discovery/v1 types.go and
k8s.io/apimachinery/pkg/apis/meta/v1/types.go in `PATCH_META`, keyed by (kind, field path
pattern); adding a kind is one `kind_rules(...)` line, and a pod template is mounted with
`at(...)`. Readers look the table up in this module at call time, so a table replaced here
(as tests do to register a kind) is the one every patch sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class FieldMeta(NamedTuple):
    """A field's `patchStrategy` tag ("merge", "replace", "retainKeys", "merge,retainKeys") and
    `patchMergeKey` ("" for lists of scalars)."""

    strategy: str
    merge_key: str = ""

    @property
    def merges(self) -> bool:
        return "merge" in self.strategy.split(",")

    @property
    def replaces(self) -> bool:
        return "replace" in self.strategy.split(",")


# (field path relative to where the rules are mounted, patchStrategy, patchMergeKey); a path
# step "x[]" means "each element of list x".
Rules = tuple[tuple[str, str, str], ...]


def at(prefix: str, rules: Rules) -> Rules:
    """Mount `rules` under the dotted field path `prefix`."""
    return tuple((f"{prefix}.{path}", strategy, key) for path, strategy, key in rules)


def kind_rules(kind: str, *groups: Rules) -> dict[tuple[str, str], FieldMeta]:
    """Table rows for one kind, keyed by (kind, field path pattern)."""
    return {(kind, path): FieldMeta(s, k) for group in groups for path, s, k in group}


OBJECT_META_RULES: Rules = (  # meta/v1 ObjectMeta
    ("ownerReferences", "merge", "uid"),
    ("finalizers", "merge", ""),
)
CONTAINER_RULES: Rules = (  # core/v1 Container and EphemeralContainerCommon
    ("ports", "merge", "containerPort"),  # not protocol: upstream merges by containerPort only
    ("env", "merge", "name"),
    ("volumeMounts", "merge", "mountPath"),
    ("volumeDevices", "merge", "devicePath"),
)
POD_SPEC_RULES: Rules = (  # core/v1 PodSpec
    ("volumes", "merge,retainKeys", "name"),
    ("initContainers", "merge", "name"),
    ("containers", "merge", "name"),
    ("ephemeralContainers", "merge", "name"),
    ("imagePullSecrets", "merge", "name"),
    ("hostAliases", "merge", "ip"),
    ("topologySpreadConstraints", "merge", "topologyKey"),
    ("schedulingGates", "merge", "name"),
    ("resourceClaims", "merge,retainKeys", "name"),
    *at("initContainers[]", CONTAINER_RULES),
    *at("containers[]", CONTAINER_RULES),
    *at("ephemeralContainers[]", CONTAINER_RULES),
)
POD_TEMPLATE_RULES: Rules = (*at("metadata", OBJECT_META_RULES), *at("spec", POD_SPEC_RULES))
POD_STATUS_RULES: Rules = (
    ("conditions", "merge", "type"),
    ("hostIPs", "merge", "ip"),
    ("podIPs", "merge", "ip"),
    ("resourceClaimStatuses", "merge,retainKeys", "name"),
)
CONDITIONS_RULES: Rules = (("conditions", "merge", "type"),)
NODE_STATUS_RULES: Rules = (("conditions", "merge", "type"), ("addresses", "merge", "type"))
_META: Rules = at("metadata", OBJECT_META_RULES)

# Adding a kind is one line; a pod template is mounted with at("<path to template>", ...).
PATCH_META: dict[tuple[str, str], FieldMeta] = {
    **kind_rules("Pod", _META, at("spec", POD_SPEC_RULES), at("status", POD_STATUS_RULES)),
    **kind_rules(
        "Deployment",
        _META,
        (("spec.strategy", "retainKeys", ""),),
        at("spec.template", POD_TEMPLATE_RULES),
        at("status", CONDITIONS_RULES),
    ),
    **kind_rules(
        "ReplicaSet", _META, at("spec.template", POD_TEMPLATE_RULES), at("status", CONDITIONS_RULES)
    ),
    **kind_rules(
        "Service", _META, (("spec.ports", "merge", "port"),), at("status", CONDITIONS_RULES)
    ),
    **kind_rules("Node", _META, (("spec.podCIDRs", "merge", ""),), at("status", NODE_STATUS_RULES)),
    **kind_rules("Namespace", _META, at("status", CONDITIONS_RULES)),
    **kind_rules("Endpoints", _META),
    **kind_rules("EndpointSlice", _META),
    **kind_rules("Lease", _META),
    **kind_rules("Event", _META),
    **kind_rules("ConfigMap", _META),
    **kind_rules("PriorityClass", _META),
}


def _live_table() -> dict[tuple[str, str], FieldMeta]:
    """`PATCH_META` as this module holds it now (read at call time, so a table a test puts in
    its place, `monkeypatch.setattr(sim.apiserver.patch.meta, "PATCH_META", ...)`, is seen)."""
    return PATCH_META


def merge_key_for(kind: str, path: Sequence[str | int]) -> str | None:
    """The `patchMergeKey` of the list at `path` in `kind` ("" for a merged list of scalars), or
    None for a list that is replaced whole. A list element in `path` is an index or "[]"."""
    pattern = ""
    for step in path:
        if isinstance(step, int) or step == "[]":
            pattern += "[]"
        else:
            pattern = f"{pattern}.{step}" if pattern else step
    row = _live_table().get((kind, pattern))
    return row.merge_key if row is not None and row.merges else None


def _kind_meta(kind: str) -> dict[str, FieldMeta] | None:
    """The rows for `kind` keyed by path, or None for a kind with no table (merge-patched)."""
    rows = {path: meta for (k, path), meta in _live_table().items() if k == kind}
    return rows or None
