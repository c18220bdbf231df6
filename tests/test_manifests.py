"""Real-world manifests round-trip; invalid ones are rejected with upstream's message.

Valid manifests (tests/manifests/valid/*.yaml) go through `Cluster.apply` and come back from
`get` with every field the user wrote unchanged: only defaults and metadata are added.
Invalid ones (tests/manifests/invalid/*.yaml) start with `# expect: <Status message>`; applying
one raises ApiError with exactly that message (422 with field paths in the causes) and leaves
the store as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sim import ApiError, Cluster
from sim.api.kinds import REGISTRY

HERE = Path(__file__).resolve().parent / "manifests"
VALID = sorted((HERE / "valid").glob("*.yaml"))
INVALID = sorted((HERE / "invalid").glob("*.yaml"))


def _subset(written: Any, stored: Any, path: str = "") -> list[str]:
    """Where the stored object differs from what the user wrote (extra stored fields are fine)."""
    if isinstance(written, dict):
        if not isinstance(stored, dict):
            return [path]
        out = []
        for k, v in written.items():
            out += _subset(v, stored.get(k, _Missing), f"{path}.{k}")
        return out
    if isinstance(written, list):
        if not isinstance(stored, list) or len(stored) != len(written):
            return [path]
        out = []
        for i, (w, s) in enumerate(zip(written, stored, strict=True)):
            out += _subset(w, s, f"{path}[{i}]")
        return out
    return [] if written == stored else [f"{path}: wrote {written!r}, stored {stored!r}"]


class _Missing:
    pass


def _namespaces_for(cluster: Cluster, docs: list[dict[str, Any]]) -> None:
    for d in docs:
        ns = (d.get("metadata") or {}).get("namespace")
        if ns and ns not in [n["metadata"]["name"] for n in cluster.list("namespaces")]:
            if not any(x.get("kind") == "Namespace" and x["metadata"]["name"] == ns for x in docs):
                cluster.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})


def test_the_corpora_are_large_enough() -> None:
    assert len(VALID) >= 20 and len(INVALID) >= 30


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_manifest_round_trips(path: Path) -> None:
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    c = Cluster(seed=1)
    _namespaces_for(c, docs)
    c.apply(path.read_text())
    for doc in docs:
        kind = REGISTRY.for_object(doc["apiVersion"], doc["kind"])
        meta = doc["metadata"]
        ns = meta.get("namespace", "default") if kind.namespaced else None
        stored = c.get(kind.plural, meta["name"], namespace=ns)
        written = dict(doc)
        written["metadata"] = {k: v for k, v in meta.items() if k != "annotations"}
        assert _subset(written, stored) == [], f"{path.name}: {doc['kind']}/{meta['name']}"
        for k, v in (meta.get("annotations") or {}).items():
            assert stored["metadata"]["annotations"][k] == v


def _expectation(path: Path) -> str:
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: '"
    return first[len("# expect: ") :]


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_manifest_is_rejected_with_upstream_message(path: Path) -> None:
    expected = _expectation(path)
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    c = Cluster(seed=1)
    _namespaces_for(c, docs)
    before_rev = c.store.revision
    before = {kv.key: kv.value for kv in c.store.range("/", "\U0010ffff").kvs}
    with pytest.raises(ApiError) as e:
        c.apply(path.read_text())
    assert e.value.message == expected
    if e.value.code == 422:
        assert all("field" in cause for cause in e.value.status["details"]["causes"])
    assert c.store.revision == before_rev
    assert {kv.key: kv.value for kv in c.store.range("/", "\U0010ffff").kvs} == before
