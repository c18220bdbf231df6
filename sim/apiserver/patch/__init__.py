"""PATCH bodies applied to JSON objects: JSON merge patch, JSON patch and strategic merge patch.

Guarantees:
- Pure functions with no state and no transport. Inputs are never mutated (they may be frozen
  read-only values from `sim.api.frozen`); every result is a fresh tree of plain dicts and lists.
- Deterministic: keys are visited in insertion order wherever upstream iterates a Go map, so one
  input always gives one output.
- Failures raise `PatchError` carrying the HTTP code, Status reason and message the apiserver
  would answer with, plus the library's specific `cause`.

Upstream, read for facts (Kubernetes 1.32):
- `json_merge_patch`: RFC 7386 (the apiserver uses gopkg.in/evanphx/json-patch.v4 `merge.go`).
- `json_patch`: RFC 6902/6901 with the behaviour and messages of gopkg.in/evanphx/json-patch.v4
  v4.12.0 `patch.go`, the version k8s.io/apiserver 1.32 vendors. Its quirks are kept: `replace`
  of an absent object member adds it, negative array indices count from the end, `add` and
  `remove` cannot target the whole document (`""`), and `replace` of the whole document with a
  scalar is ignored.
- `strategic_merge_patch`: k8s.io/apimachinery/pkg/util/strategicpatch/patch.go (`mergeMap`,
  `mergeSlice`, `mergePatchIntoOriginal`, `normalizeElementOrder`) and
  k8s.io/apimachinery/pkg/util/mergepatch/errors.go. Merge keys come from the `patchStrategy` /
  `patchMergeKey` struct tags of k8s.io/api core/v1, apps/v1, discovery/v1 types.go and
  k8s.io/apimachinery/pkg/apis/meta/v1/types.go, tabulated in `PATCH_META`.
- `apply_patch`: k8s.io/apiserver/pkg/endpoints/handlers/patch.go (dispatch, the 10000-operation
  limit, `interpretStrategicMergePatchError`), endpoints/installer.go (accepted media types) and
  handlers/negotiation/errors.go (the 415 text).

One deliberate difference: where upstream copies patch content into the object wholesale (new
fields, appended list items, `$patch: replace`, atomic lists) this module drops null map values
and directive markers from it, which is what the apiserver's typed decode does before storing.

Layout: `errors` (PatchError, Go-style formatting), `meta` (the merge-key table), `merge_patch`,
`jsonpatch`, `strategic_lists` and `strategic` (strategic merge patch), `dispatch`
(`apply_patch`). `PATCH_META` is read from `meta` at call time: replacing
`sim.apiserver.patch.meta.PATCH_META` changes what every patch and `merge_key_for` see.
"""

from sim.apiserver.patch.dispatch import apply_patch
from sim.apiserver.patch.errors import GENERIC_INVALID, MAX_JSON_PATCH_OPERATIONS, PatchError
from sim.apiserver.patch.jsonpatch import json_patch
from sim.apiserver.patch.merge_patch import json_merge_patch
from sim.apiserver.patch.meta import (
    CONDITIONS_RULES,
    CONTAINER_RULES,
    NODE_STATUS_RULES,
    OBJECT_META_RULES,
    PATCH_META,
    POD_SPEC_RULES,
    POD_STATUS_RULES,
    POD_TEMPLATE_RULES,
    FieldMeta,
    Rules,
    at,
    kind_rules,
    merge_key_for,
)
from sim.apiserver.patch.strategic import strategic_merge_patch

__all__ = [
    "CONDITIONS_RULES",
    "CONTAINER_RULES",
    "GENERIC_INVALID",
    "MAX_JSON_PATCH_OPERATIONS",
    "NODE_STATUS_RULES",
    "OBJECT_META_RULES",
    "PATCH_META",
    "POD_SPEC_RULES",
    "POD_STATUS_RULES",
    "POD_TEMPLATE_RULES",
    "FieldMeta",
    "PatchError",
    "Rules",
    "apply_patch",
    "at",
    "json_merge_patch",
    "json_patch",
    "kind_rules",
    "merge_key_for",
    "strategic_merge_patch",
]
