"""The API server against a plain model (hypothesis stateful test).

After every step: no lost update (409 exactly when the resourceVersion is stale); create of an
existing name is 409 AlreadyExists; an object with finalizers is never removed; invalid input
changes nothing; resourceVersions strictly increase; list equals the model.
"""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from sim import ApiError, Cluster

NAMES = st.sampled_from(["a", "b", "c"])


def cm(name: str, value: str, finalizers: list[str] | None = None) -> dict:
    meta: dict = {"name": name, "namespace": "default"}
    if finalizers:
        meta["finalizers"] = finalizers
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"v": value}}


class ApiModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.c = Cluster(seed=0, compaction_interval_s=0)
        # name -> {"value", "finalizers", "deleting", "rvs": every rv this object had}
        self.model: dict[str, dict] = {}
        self.last_rv = self.c.store.revision
        self.counter = 0

    def _rv_moves(self, obj: dict) -> None:
        rv = int(obj["metadata"]["resourceVersion"])
        assert rv > self.last_rv
        self.last_rv = rv
        self.model[obj["metadata"]["name"]]["rvs"].append(str(rv))

    @rule(name=NAMES, with_finalizer=st.booleans())
    def create(self, name: str, with_finalizer: bool) -> None:
        self.counter += 1
        fin = ["example.com/hold"] if with_finalizer else None
        try:
            obj = self.c.api.create("configmaps", cm(name, str(self.counter), fin))
        except ApiError as e:
            assert name in self.model and e.code == 409 and e.reason == "AlreadyExists"
            return
        assert name not in self.model
        self.model[name] = {
            "value": str(self.counter),
            "finalizers": fin or [],
            "deleting": False,
            "rvs": [],
        }
        self._rv_moves(obj)

    @rule(name=NAMES, stale=st.booleans())
    def update(self, name: str, stale: bool) -> None:
        m = self.model.get(name)
        if m is None:
            return
        self.counter += 1
        body = cm(name, str(self.counter), m["finalizers"])
        current = m["rvs"][-1]
        rv = m["rvs"][0] if stale else current
        body["metadata"]["resourceVersion"] = rv
        try:
            obj = self.c.api.update("configmaps", body)
        except ApiError as e:
            assert rv != current and e.code == 409 and e.reason == "Conflict"
            return
        assert rv == current, "a stale update was accepted: lost update"
        m["value"] = str(self.counter)
        self._rv_moves(obj)

    @rule(name=NAMES)
    def delete(self, name: str) -> None:
        m = self.model.get(name)
        try:
            obj = self.c.api.delete("configmaps", name)
        except ApiError as e:
            assert m is None and e.code == 404
            return
        assert m is not None
        if m["finalizers"]:
            assert obj["metadata"]["deletionTimestamp"]
            if not m["deleting"]:
                m["deleting"] = True
                self._rv_moves(obj)
        else:
            del self.model[name]
            self.last_rv = int(obj["metadata"]["resourceVersion"])

    @rule(name=NAMES)
    def clear_finalizers(self, name: str) -> None:
        m = self.model.get(name)
        if m is None or not m["finalizers"]:
            return
        out = self.c.api.patch(
            "configmaps", name, {"metadata": {"finalizers": None}}, "application/merge-patch+json"
        )
        if m["deleting"]:
            del self.model[name]
            self.last_rv = int(out["metadata"]["resourceVersion"])
        else:
            m["finalizers"] = []
            self._rv_moves(out)

    @rule(name=NAMES, bad=st.sampled_from(["Upper", "under_score", "-dash", "x" * 254]))
    def invalid_input_changes_nothing(self, name: str, bad: str) -> None:
        before = self.c.store.revision
        try:
            self.c.api.create("configmaps", cm(bad, "x"))
            raise AssertionError("an invalid name was accepted")
        except ApiError as e:
            assert e.code == 422
        assert self.c.store.revision == before

    @invariant()
    def list_equals_model(self) -> None:
        items = self.c.api.list("configmaps", namespace="default")["items"]
        got = {
            o["metadata"]["name"]: (o["data"]["v"], bool(o["metadata"].get("deletionTimestamp")))
            for o in items
        }
        want = {n: (m["value"], m["deleting"]) for n, m in self.model.items()}
        assert got == want

    @invariant()
    def held_objects_are_never_removed(self) -> None:
        for name, m in self.model.items():
            if m["finalizers"]:
                assert (
                    self.c.api.get("configmaps", name)["metadata"]["finalizers"] == m["finalizers"]
                )


ApiModel.TestCase.settings = settings(max_examples=100, stateful_step_count=30, deadline=None)
TestApiModel = ApiModel.TestCase
