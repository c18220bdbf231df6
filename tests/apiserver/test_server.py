"""The API server core: every verb, its errors as Status objects, and its guarantees."""

from __future__ import annotations

import pytest

from sim import ApiError, Cluster
from tests.conftest import deployment, pod


def status_of(excinfo: pytest.ExceptionInfo[ApiError]) -> dict:
    return excinfo.value.status


class TestCreate:
    def test_assigns_identity_and_system_fields(self, cluster: Cluster) -> None:
        cluster.run(until=12)
        p = cluster.api.create("pods", pod("a"))
        meta = p["metadata"]
        assert meta["uid"] and len(meta["uid"]) == 36
        assert meta["creationTimestamp"] == "2025-01-01T00:00:12Z"
        assert int(meta["resourceVersion"]) == cluster.store.revision
        assert "generation" not in meta  # pods have no generation in 1.32

    def test_apps_kinds_start_at_generation_one(self, cluster: Cluster) -> None:
        d = cluster.api.create("deployments", deployment("web"))
        assert d["metadata"]["generation"] == 1
        assert d["status"] == {} or "status" not in d or not d["status"].get("replicas")

    def test_existing_name_is_409_already_exists(self, cluster: Cluster) -> None:
        cluster.api.create("pods", pod("a"))
        rev = cluster.store.revision
        with pytest.raises(ApiError) as e:
            cluster.api.create("pods", pod("a"))
        st = status_of(e)
        assert (st["code"], st["reason"], st["message"]) == (
            409,
            "AlreadyExists",
            'pods "a" already exists',
        )
        assert st["kind"] == "Status" and st["details"] == {"name": "a", "kind": "pods"}
        assert cluster.store.revision == rev

    def test_missing_namespace_is_404(self, cluster: Cluster) -> None:
        with pytest.raises(ApiError) as e:
            cluster.api.create("pods", pod("a", namespace="nope"))
        assert status_of(e)["code"] == 404
        assert status_of(e)["message"] == 'namespaces "nope" not found'

    def test_generate_name_draws_five_characters_from_the_seeded_stream(self) -> None:
        names = []
        for _ in range(2):
            c = Cluster(seed=3)
            body = pod("x")
            del body["metadata"]["name"]
            body["metadata"]["generateName"] = "web-"
            names.append(c.api.create("pods", body)["metadata"]["name"])
        assert names[0] == names[1]
        assert names[0].startswith("web-") and len(names[0]) == 9

    def test_caller_dict_is_not_kept(self, cluster: Cluster) -> None:
        body = pod("a")
        cluster.api.create("pods", body)
        body["metadata"]["labels"]["app"] = "changed"
        assert cluster.api.get("pods", "a")["metadata"]["labels"]["app"] == "web"

    def test_returned_objects_are_read_only(self, cluster: Cluster) -> None:
        p = cluster.api.create("pods", pod("a"))
        with pytest.raises(TypeError):
            p["metadata"]["labels"]["x"] = "y"

    def test_dry_run_writes_nothing(self, cluster: Cluster) -> None:
        rev = cluster.store.revision
        out = cluster.api.create("pods", pod("a"), dry_run=True)
        assert out["metadata"]["name"] == "a"
        assert cluster.store.revision == rev

    def test_kind_mismatch_is_400(self, cluster: Cluster) -> None:
        with pytest.raises(ApiError) as e:
            cluster.api.create("services", pod("a"))
        assert status_of(e)["code"] == 400


class TestUpdate:
    def test_stale_resource_version_is_409_conflict(self, cluster: Cluster) -> None:
        p = cluster.api.create("pods", pod("a"))
        cluster.api.patch("pods", "a", {"metadata": {"labels": {"v": "2"}}})
        stale = dict(p)
        with pytest.raises(ApiError) as e:
            cluster.api.update("pods", stale)
        st = status_of(e)
        assert (st["code"], st["reason"]) == (409, "Conflict")
        assert st["message"] == (
            'Operation cannot be fulfilled on pods "a": the object has been modified; please '
            "apply your changes to the latest version and try again"
        )

    def test_noop_update_writes_nothing(self, cluster: Cluster) -> None:
        p = cluster.api.create("pods", pod("a"))
        rev = cluster.store.revision
        assert cluster.api.update("pods", p) is p
        assert cluster.store.revision == rev

    def test_generation_bumps_on_spec_changes_only(self, cluster: Cluster) -> None:
        cluster.api.create("deployments", deployment("web"))
        d = cluster.api.patch("deployments", "web", {"metadata": {"labels": {"a": "b"}}})
        assert d["metadata"]["generation"] == 1
        d = cluster.api.patch("deployments", "web", {"spec": {"replicas": 5}})
        assert d["metadata"]["generation"] == 2

    def test_main_resource_update_keeps_status_and_status_update_keeps_spec(
        self, cluster: Cluster
    ) -> None:
        cluster.api.create("deployments", deployment("web"))
        d = cluster.get("deployments", "web")
        d["status"] = {"replicas": 3, "observedGeneration": 1}
        d["spec"]["replicas"] = 9
        after = cluster.api.update("deployments", d, subresource="status")
        assert after["status"]["replicas"] == 3 and after["spec"]["replicas"] == 3
        d = cluster.get("deployments", "web")
        d["status"] = {"replicas": 0}
        d["spec"]["replicas"] = 4
        after = cluster.api.update("deployments", d)
        assert after["status"]["replicas"] == 3 and after["spec"]["replicas"] == 4

    def test_identity_fields_are_immutable(self, cluster: Cluster) -> None:
        p = cluster.get("pods", cluster.api.create("pods", pod("a"))["metadata"]["name"])
        p["metadata"]["uid"] = "other"
        rev = cluster.store.revision
        with pytest.raises(ApiError) as e:
            cluster.api.update("pods", p)
        assert status_of(e)["code"] == 422
        assert 'metadata.uid: Invalid value: "other": field is immutable' in status_of(e)["message"]
        assert cluster.store.revision == rev

    def test_missing_object_is_404(self, cluster: Cluster) -> None:
        with pytest.raises(ApiError) as e:
            cluster.api.update("pods", pod("ghost"))
        assert status_of(e)["message"] == 'pods "ghost" not found'


class TestPatch:
    @pytest.mark.parametrize(
        "patch_type,patch",
        [
            ("application/merge-patch+json", {"metadata": {"labels": {"tier": "x"}}}),
            ("application/strategic-merge-patch+json", {"metadata": {"labels": {"tier": "x"}}}),
            (
                "application/json-patch+json",
                [{"op": "add", "path": "/metadata/labels/tier", "value": "x"}],
            ),
        ],
        ids=["merge", "strategic", "json"],
    )
    def test_each_patch_type_adds_a_label(
        self, cluster: Cluster, patch_type: str, patch: object
    ) -> None:
        cluster.api.create("pods", pod("a"))
        out = cluster.api.patch("pods", "a", patch, patch_type)
        assert out["metadata"]["labels"] == {"app": "web", "tier": "x"}

    def test_strategic_merge_merges_containers_by_name(self, cluster: Cluster) -> None:
        cluster.api.create("deployments", deployment("web"))
        patch = {
            "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:2"}]}}}
        }
        out = cluster.api.patch("deployments", "web", patch)
        c = out["spec"]["template"]["spec"]["containers"]
        assert (
            len(c) == 1 and c[0]["image"] == "nginx:2" and c[0]["imagePullPolicy"] == "IfNotPresent"
        )


class TestDelete:
    def test_unbound_pod_goes_at_once(self, cluster: Cluster) -> None:
        cluster.api.create("pods", pod("a"))
        cluster.api.delete("pods", "a")
        with pytest.raises(ApiError):
            cluster.api.get("pods", "a")

    def test_bound_pod_is_deleted_gracefully(self, cluster: Cluster) -> None:
        cluster.run(until=100)
        cluster.api.create("pods", pod("a", node="n1"))
        p = cluster.api.delete("pods", "a")
        assert p["metadata"]["deletionTimestamp"] == "2025-01-01T00:02:10Z"
        assert p["metadata"]["deletionGracePeriodSeconds"] == 30
        p = cluster.api.delete("pods", "a", grace_period_seconds=60)
        assert p["metadata"]["deletionGracePeriodSeconds"] == 30  # never extended
        cluster.api.delete("pods", "a", grace_period_seconds=0)
        with pytest.raises(ApiError):
            cluster.api.get("pods", "a")

    def test_finalizers_hold_the_object_until_cleared(self, cluster: Cluster) -> None:
        body = pod("a")
        body["metadata"]["finalizers"] = ["example.com/hold"]
        cluster.api.create("pods", body)
        held = cluster.api.delete("pods", "a")
        assert held["metadata"]["deletionTimestamp"]
        assert cluster.api.get("pods", "a")["metadata"]["finalizers"] == ["example.com/hold"]
        cluster.api.patch(
            "pods", "a", {"metadata": {"finalizers": None}}, "application/merge-patch+json"
        )
        with pytest.raises(ApiError):
            cluster.api.get("pods", "a")

    @pytest.mark.parametrize(
        "policy,finalizer", [("Foreground", "foregroundDeletion"), ("Orphan", "orphan")]
    )
    def test_propagation_policy_is_kept_for_the_garbage_collector(
        self, cluster: Cluster, policy: str, finalizer: str
    ) -> None:
        cluster.api.create("deployments", deployment("web"))
        d = cluster.api.delete("deployments", "web", propagation_policy=policy)
        assert d["metadata"]["finalizers"] == [finalizer]
        assert d["metadata"]["deletionTimestamp"]

    def test_precondition_uid_mismatch_is_409(self, cluster: Cluster) -> None:
        cluster.api.create("pods", pod("a"))
        with pytest.raises(ApiError) as e:
            cluster.api.delete("pods", "a", preconditions={"uid": "nope"})
        assert status_of(e)["code"] == 409
        assert "Precondition failed: UID in precondition: nope" in status_of(e)["message"]

    def test_immortal_namespace_cannot_be_deleted(self, cluster: Cluster) -> None:
        with pytest.raises(ApiError) as e:
            cluster.api.delete("namespaces", "default")
        assert status_of(e)["code"] == 403


class TestList:
    def test_selectors_filter(self, cluster: Cluster) -> None:
        cluster.api.create("pods", pod("a", labels={"app": "web"}, node="n1"))
        cluster.api.create("pods", pod("b", labels={"app": "db"}, node="n2"))
        names = lambda res: [o["metadata"]["name"] for o in res["items"]]  # noqa: E731
        assert names(cluster.api.list("pods", label_selector="app in (web)")) == ["a"]
        assert names(cluster.api.list("pods", field_selector="spec.nodeName=n2")) == ["b"]
        assert names(cluster.api.list("pods", label_selector="app!=web,app")) == ["b"]

    def test_unsupported_field_is_400(self, cluster: Cluster) -> None:
        with pytest.raises(ApiError) as e:
            cluster.api.list("pods", field_selector="spec.foo=bar")
        assert status_of(e)["code"] == 400
        assert "field label not supported: spec.foo" in status_of(e)["message"]

    def test_paging_is_consistent_at_the_first_page_revision(self, cluster: Cluster) -> None:
        for i in range(5):
            cluster.api.create("pods", pod(f"p{i}"))
        page = cluster.api.list("pods", limit=2)
        assert [o["metadata"]["name"] for o in page["items"]] == ["p0", "p1"]
        assert page["metadata"]["remainingItemCount"] == 3
        cluster.api.delete("pods", "p3")
        rest = []
        cont = page["metadata"]["continue"]
        while cont:
            page = cluster.api.list("pods", limit=2, continue_=cont)
            rest += [o["metadata"]["name"] for o in page["items"]]
            cont = page["metadata"].get("continue")
        assert rest == ["p2", "p3", "p4"]  # p3 was deleted after the first page: still listed

    def test_continue_after_compaction_is_410(self, cluster: Cluster) -> None:
        for i in range(3):
            cluster.api.create("pods", pod(f"p{i}"))
        page = cluster.api.list("pods", limit=1)
        cluster.api.create("pods", pod("p9"))
        cluster.store.compact(cluster.store.revision)
        with pytest.raises(ApiError) as e:
            cluster.api.list("pods", limit=1, continue_=page["metadata"]["continue"])
        assert (status_of(e)["code"], status_of(e)["reason"]) == (410, "Expired")

    def test_exact_resource_version_reads_the_past(self, cluster: Cluster) -> None:
        cluster.api.create("pods", pod("a"))
        rv = cluster.api.list("pods")["metadata"]["resourceVersion"]
        cluster.api.create("pods", pod("b"))
        old = cluster.api.list("pods", resource_version=rv, resource_version_match="Exact")
        assert [o["metadata"]["name"] for o in old["items"]] == ["a"]
        cluster.store.compact(cluster.store.revision)
        with pytest.raises(ApiError) as e:
            cluster.api.list("pods", resource_version=rv, resource_version_match="Exact")
        assert status_of(e)["code"] == 410

    def test_future_resource_version_is_504(self, cluster: Cluster) -> None:
        with pytest.raises(ApiError) as e:
            cluster.api.list("pods", resource_version=str(cluster.store.revision + 10))
        assert status_of(e)["code"] == 504


class TestWatch:
    def test_from_resource_version_replays_then_streams(self, cluster: Cluster) -> None:
        cluster.api.create("pods", pod("a"))
        rv = cluster.api.list("pods")["metadata"]["resourceVersion"]
        cluster.api.create("pods", pod("b"))
        seen: list = []
        cluster.api.watch("pods", seen.append, resource_version=rv)
        cluster.api.delete("pods", "a")
        assert [(e.type, e.object["metadata"]["name"]) for e in seen] == [
            ("ADDED", "b"),
            ("DELETED", "a"),
        ]
        assert int(seen[-1].object["metadata"]["resourceVersion"]) == cluster.store.revision

    def test_compacted_resource_version_is_410_expired(self, cluster: Cluster) -> None:
        cluster.api.create("pods", pod("a"))
        cluster.api.create("pods", pod("b"))
        cluster.store.compact(cluster.store.revision)
        with pytest.raises(ApiError) as e:
            cluster.api.watch("pods", lambda ev: None, resource_version="2")
        st = status_of(e)
        assert (st["code"], st["reason"]) == (410, "Expired")
        assert st["message"].startswith("too old resource version: 2 (")

    def test_objects_entering_and_leaving_the_selector(self, cluster: Cluster) -> None:
        cluster.api.create("pods", pod("a", labels={"app": "db"}))
        seen: list = []
        cluster.api.watch(
            "pods",
            seen.append,
            resource_version=str(cluster.store.revision),
            label_selector="app=web",
        )
        cluster.api.patch("pods", "a", {"metadata": {"labels": {"app": "web"}}})
        cluster.api.patch("pods", "a", {"metadata": {"labels": {"x": "y"}}})
        cluster.api.patch("pods", "a", {"metadata": {"labels": {"app": "db"}}})
        assert [e.type for e in seen] == ["ADDED", "MODIFIED", "DELETED"]

    def test_without_resource_version_sends_current_state_first(self, cluster: Cluster) -> None:
        cluster.api.create("pods", pod("a"))
        seen: list = []
        cluster.api.watch("pods", seen.append)
        assert [(e.type, e.object["metadata"]["name"]) for e in seen] == [("ADDED", "a")]

    def test_node_indexed_watch_sees_only_its_node(self, cluster: Cluster) -> None:
        seen: list = []
        cluster.api.watch(
            "pods",
            seen.append,
            resource_version=str(cluster.store.revision),
            field_selector="spec.nodeName=n1",
        )
        cluster.api.create("pods", pod("a", node="n1"))
        cluster.api.create("pods", pod("b", node="n2"))
        assert [e.object["metadata"]["name"] for e in seen] == ["a"]


class TestAdmission:
    def test_default_toleration_seconds(self, cluster: Cluster) -> None:
        p = cluster.api.create("pods", pod("a"))
        tol = [(t["key"], t["tolerationSeconds"]) for t in p["spec"]["tolerations"]]
        assert tol == [
            ("node.kubernetes.io/not-ready", 300),
            ("node.kubernetes.io/unreachable", 300),
        ]

    def test_priority_class_resolves_to_priority(self, cluster: Cluster) -> None:
        p = cluster.api.create("pods", pod("a", priorityClassName="system-node-critical"))
        assert p["spec"]["priority"] == 2000001000
        assert p["spec"]["preemptionPolicy"] == "PreemptLowerPriority"

    def test_unknown_priority_class_is_forbidden(self, cluster: Cluster) -> None:
        with pytest.raises(ApiError) as e:
            cluster.api.create("pods", pod("a", priorityClassName="gold"))
        assert status_of(e)["code"] == 403
        assert (
            status_of(e)["message"]
            == 'pods "a" is forbidden: no PriorityClass with name gold was found'
        )

    def test_global_default_priority_class_applies(self, cluster: Cluster) -> None:
        cluster.apply(
            {
                "apiVersion": "scheduling.k8s.io/v1",
                "kind": "PriorityClass",
                "metadata": {"name": "normal"},
                "value": 1000,
                "globalDefault": True,
            }
        )
        p = cluster.api.create("pods", pod("a"))
        assert (p["spec"]["priority"], p["spec"]["priorityClassName"]) == (1000, "normal")

    def test_terminating_namespace_refuses_new_objects(self, cluster: Cluster) -> None:
        cluster.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "gone"}})
        ns = cluster.api.delete("namespaces", "gone")
        assert ns["metadata"]["deletionTimestamp"]  # held by the kubernetes finalizer
        with pytest.raises(ApiError) as e:
            cluster.api.create("pods", pod("a", namespace="gone"))
        assert status_of(e)["code"] == 403
        assert "because it is being terminated" in status_of(e)["message"]


class TestScale:
    def test_scale_subresource_reads_and_writes_replicas(self, cluster: Cluster) -> None:
        cluster.api.create("deployments", deployment("web", replicas=2))
        s = cluster.api.get_scale("deployments", "web")
        assert (s["kind"], s["spec"]["replicas"]) == ("Scale", 2)
        cluster.api.update_scale("deploy", "web", 7)
        assert cluster.api.get("deployments", "web")["spec"]["replicas"] == 7

    def test_negative_scale_is_invalid(self, cluster: Cluster) -> None:
        cluster.api.create("deployments", deployment("web"))
        with pytest.raises(ApiError) as e:
            cluster.api.update_scale("deployments", "web", -1)
        assert status_of(e)["code"] == 422


class TestBindingAndEviction:
    def test_binding_sets_node_once_and_marks_scheduled(self, cluster: Cluster) -> None:
        cluster.run(until=5)
        cluster.api.create("pods", pod("a"))
        b = {
            "apiVersion": "v1",
            "kind": "Binding",
            "metadata": {"name": "a"},
            "target": {"apiVersion": "v1", "kind": "Node", "name": "n1"},
        }
        p = cluster.api.bind("a", b, user="default-scheduler")
        assert p["spec"]["nodeName"] == "n1"
        cond = [c for c in p["status"]["conditions"] if c["type"] == "PodScheduled"]
        assert cond == [
            {
                "type": "PodScheduled",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": "2025-01-01T00:00:05Z",
            }
        ]
        with pytest.raises(ApiError) as e:
            cluster.api.bind("a", {**b, "target": {"kind": "Node", "name": "n2"}})
        assert status_of(e)["code"] == 409
        assert status_of(e)["message"] == (
            'Operation cannot be fulfilled on pods/binding "a": pod a is already assigned to node "n1"'
        )

    def test_binding_without_target_is_invalid(self, cluster: Cluster) -> None:
        cluster.api.create("pods", pod("a"))
        with pytest.raises(ApiError) as e:
            cluster.api.bind("a", {"metadata": {"name": "a"}, "target": {}})
        assert status_of(e)["code"] == 422
        assert status_of(e)["message"] == 'Binding "a" is invalid: target.name: Required value'

    def test_eviction_deletes_gracefully(self, cluster: Cluster) -> None:
        cluster.api.create("pods", pod("a", node="n1"))
        p = cluster.api.evict("a")
        assert p["metadata"]["deletionGracePeriodSeconds"] == 30
