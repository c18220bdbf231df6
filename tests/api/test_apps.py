"""apps/v1 ReplicaSet and Deployment hooks against upstream 1.32.

Cases carry facts from pkg/apis/apps/v1/defaults_test.go, pkg/apis/apps/validation/
validation_test.go and pkg/registry/apps/{deployment,replicaset}/strategy_test.go.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from sim.api.builtin.apps import DEPLOYMENT, REPLICASET, apply_scale, get_scale
from sim.api.kinds import Kind

Obj = dict[str, Any]
Edit = Callable[[Obj], None]

PERCENT_MSG = (
    "a valid percent string must be a numeric string followed by an ending '%' "
    "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
)
MISMATCH = "`selector` does not match template `labels`"


def deployment(**spec: Any) -> Obj:
    body: Obj = {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    }
    body.update(spec)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": body,
    }


def replica_set(**spec: Any) -> Obj:
    obj = deployment(**spec)
    obj["kind"] = "ReplicaSet"
    return obj


def created(kind: Kind, obj: Obj) -> Obj:
    kind.default(obj)
    kind.prepare_for_create(obj)
    return obj


def messages(kind: Kind, obj: Obj) -> list[str]:
    return [e.message for e in kind.validate(created(kind, obj))]


def update_messages(kind: Kind, old: Obj, new: Obj) -> list[str]:
    kind.default(new)
    kind.prepare_for_update(new, old)
    return [e.message for e in kind.validate(new) + kind.validate_update(new, old)]


def rolling(max_unavailable: Any, max_surge: Any) -> dict[str, Any]:
    return {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": max_unavailable, "maxSurge": max_surge},
    }


def _set(path: str, value: Any) -> Edit:
    def edit(obj: Obj) -> None:
        *parents, last = path.split(".")
        node = obj
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value

    return edit


def _drop(path: str) -> Edit:
    def edit(obj: Obj) -> None:
        *parents, last = path.split(".")
        node = obj
        for p in parents:
            node = node[p]
        del node[last]

    return edit


# -- defaulting ------------------------------------------------------------------------------
def test_deployment_defaults_match_apps_v1() -> None:
    obj = deployment()
    del obj["spec"]["replicas"]
    DEPLOYMENT.default(obj)
    spec = obj["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == rolling("25%", "25%")
    assert spec["revisionHistoryLimit"] == 10
    assert spec["progressDeadlineSeconds"] == 600
    assert spec["template"]["spec"]["restartPolicy"] == "Always"
    assert spec["template"]["spec"]["dnsPolicy"] == "ClusterFirst"


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ({"type": "Recreate"}, {"type": "Recreate"}),
        ({"type": "RollingUpdate"}, rolling("25%", "25%")),
        (rolling(1, None), rolling(1, "25%")),
        (rolling(None, "50%"), rolling("25%", "50%")),
        (rolling(0, 2), rolling(0, 2)),
    ],
    ids=[
        "recreate-gets-no-rolling-update",
        "rolling-update-gets-25-percent-both",
        "explicit-max-unavailable-kept",
        "explicit-max-surge-kept",
        "explicit-zero-kept",
    ],
)
def test_deployment_strategy_defaults(strategy: dict[str, Any], expected: dict[str, Any]) -> None:
    obj = deployment(strategy=strategy)
    DEPLOYMENT.default(obj)
    assert obj["spec"]["strategy"] == expected


def test_explicit_values_are_not_overwritten_by_defaults() -> None:
    obj = deployment(replicas=0, revisionHistoryLimit=0, progressDeadlineSeconds=30)
    DEPLOYMENT.default(obj)
    assert (obj["spec"]["replicas"], obj["spec"]["revisionHistoryLimit"]) == (0, 0)
    assert obj["spec"]["progressDeadlineSeconds"] == 30


def test_replica_set_defaults_replicas_and_template_only() -> None:
    obj = replica_set()
    del obj["spec"]["replicas"]
    REPLICASET.default(obj)
    assert obj["spec"]["replicas"] == 1
    assert "strategy" not in obj["spec"] and "revisionHistoryLimit" not in obj["spec"]
    assert obj["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 30


@pytest.mark.parametrize("kind", [DEPLOYMENT, REPLICASET], ids=["deployment", "replicaset"])
def test_create_clears_status(kind: Kind) -> None:
    obj = deployment()
    obj["status"] = {"replicas": 9, "readyReplicas": 9}
    assert created(kind, obj)["status"] == {}


def test_kind_registration_facts() -> None:
    assert (DEPLOYMENT.short_names, REPLICASET.short_names) == (("deploy",), ("rs",))
    for kind in (DEPLOYMENT, REPLICASET):
        assert kind.api_version == "apps/v1" and kind.spec_generation
        assert kind.subresources == ("status", "scale") and kind.categories == ("all",)


# -- validation ------------------------------------------------------------------------------
DEPLOYMENT_CASES: list[tuple[str, Edit, list[str]]] = [
    ("valid", lambda d: None, []),
    ("zero-replicas-are-valid", _set("spec.replicas", 0), []),
    (
        "negative-replicas",
        _set("spec.replicas", -1),
        ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"],
    ),
    (
        "missing-selector-also-mismatches-template",
        _drop("spec.selector"),
        [
            "spec.selector: Required value",
            'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
            + MISMATCH,
        ],
    ),
    (
        "empty-selector",
        _set("spec.selector", {}),
        [
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: "
            "empty selector is invalid for deployment"
        ],
    ),
    (
        "selector-does-not-match-template",
        _set("spec.selector", {"matchLabels": {"app": "api"}}),
        [
            'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
            + MISMATCH
        ],
    ),
    (
        "template-without-labels",
        _drop("spec.template.metadata"),
        ["spec.template.metadata.labels: Invalid value: map[string]string(nil): " + MISMATCH],
    ),
    (
        "bad-selector-operator-skips-template-checks",
        _set(
            "spec.selector",
            {"matchExpressions": [{"key": "app", "operator": "Is", "values": ["web"]}]},
        ),
        [
            'spec.selector.matchExpressions[0].operator: Invalid value: "Is": '
            "not a valid selector operator",
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
            'MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", '
            'Operator:"Is", Values:[]string{"web"}}}}: invalid label selector',
        ],
    ),
    (
        "restart-policy-never",
        _set("spec.template.spec.restartPolicy", "Never"),
        [
            'spec.template.spec.restartPolicy: Unsupported value: "Never": '
            'supported values: "Always"'
        ],
    ),
    (
        "active-deadline-seconds",
        _set("spec.template.spec.activeDeadlineSeconds", 30),
        [
            "spec.template.spec.activeDeadlineSeconds: Forbidden: "
            "activeDeadlineSeconds in ReplicaSet is not Supported"
        ],
    ),
    (
        "pod-template-errors-come-from-pod-validation",
        _set("spec.template.spec.containers", [{"name": "web"}]),
        ["spec.template.spec.containers[0].image: Required value"],
    ),
    (
        "negative-min-ready-seconds",
        _set("spec.minReadySeconds", -1),
        ["spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"],
    ),
    (
        "negative-revision-history-limit",
        _set("spec.revisionHistoryLimit", -1),
        ["spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"],
    ),
    (
        "progress-deadline-not-above-min-ready",
        lambda d: d["spec"].update(minReadySeconds=10, progressDeadlineSeconds=10),
        ["spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds"],
    ),
    (
        "negative-progress-deadline",
        _set("spec.progressDeadlineSeconds", -1),
        [
            "spec.progressDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0",
            "spec.progressDeadlineSeconds: Invalid value: -1: must be greater than minReadySeconds",
        ],
    ),
    (
        "both-zero-ints",
        _set("spec.strategy", rolling(0, 0)),
        [
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "
            'intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'
        ],
    ),
    (
        "both-zero-percent-and-int",
        _set("spec.strategy", rolling("0%", 0)),
        [
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "
            'intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: may not be 0 when `maxSurge` is 0'
        ],
    ),
    ("zero-unavailable-with-surge", _set("spec.strategy", rolling(0, 1)), []),
    ("zero-surge-with-unavailable", _set("spec.strategy", rolling("10%", 0)), []),
    ("surge-above-100-percent-is-allowed", _set("spec.strategy", rolling(1, "150%")), []),
    (
        "unavailable-above-100-percent",
        _set("spec.strategy", rolling("110%", 1)),
        [
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "
            'intstr.IntOrString{Type:1, IntVal:0, StrVal:"110%"}: must not be greater than 100%'
        ],
    ),
    (
        "negative-max-unavailable",
        _set("spec.strategy", rolling(-1, 1)),
        [
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: -1: "
            "must be greater than or equal to 0"
        ],
    ),
    (
        "numeric-string-is-not-a-percent",
        _set("spec.strategy", rolling(1, "1")),
        [
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: "
            'intstr.IntOrString{Type:1, IntVal:0, StrVal:"1"}: ' + PERCENT_MSG
        ],
    ),
    (
        "recreate-with-rolling-update",
        _set("spec.strategy", {"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}),
        [
            "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` "
            "is 'Recreate'"
        ],
    ),
    (
        "unknown-strategy-type",
        _set("spec.strategy", {"type": "BlueGreen"}),
        [
            'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", '
            "RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: "
            'supported values: "Recreate", "RollingUpdate"'
        ],
    ),
    (
        "errors-in-upstream-order",
        lambda d: d["spec"].update(replicas=-1, minReadySeconds=-1, strategy=rolling(0, 0)),
        [
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "
            'intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
            "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
        ],
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [(e, x) for _, e, x in DEPLOYMENT_CASES],
    ids=[i for i, _, _ in DEPLOYMENT_CASES],
)
def test_deployment_validation(edit: Edit, expected: list[str]) -> None:
    obj = deployment()
    edit(obj)
    assert messages(DEPLOYMENT, obj) == expected


REPLICASET_CASES: list[tuple[str, Edit, list[str]]] = [
    ("valid", lambda r: None, []),
    (
        "replicas-then-min-ready-seconds",
        lambda r: r["spec"].update(replicas=-2, minReadySeconds=-1),
        [
            "spec.replicas: Invalid value: -2: must be greater than or equal to 0",
            "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
        ],
    ),
    (
        "empty-selector-says-deployment",
        _set("spec.selector", {"matchLabels": {}}),
        [
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, "
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: "
            "empty selector is invalid for deployment"
        ],
    ),
    (
        "selector-expression-must-match",
        _set(
            "spec.selector",
            {"matchExpressions": [{"key": "app", "operator": "In", "values": ["api"]}]},
        ),
        [
            'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
            + MISMATCH
        ],
    ),
    (
        "restart-policy-on-failure",
        _set("spec.template.spec.restartPolicy", "OnFailure"),
        [
            'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": '
            'supported values: "Always"'
        ],
    ),
    ("strategy-is-not-a-replica-set-field", _set("spec.strategy", {"type": "Nope"}), []),
]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [(e, x) for _, e, x in REPLICASET_CASES],
    ids=[i for i, _, _ in REPLICASET_CASES],
)
def test_replica_set_validation(edit: Edit, expected: list[str]) -> None:
    obj = replica_set()
    edit(obj)
    assert messages(REPLICASET, obj) == expected


# -- update ----------------------------------------------------------------------------------
UPDATE_CASES: list[tuple[str, Edit, list[str]]] = [
    ("scale-up", _set("spec.replicas", 10), []),
    ("new-image", lambda d: d["spec"]["template"]["spec"]["containers"][0].update(image="x:2"), []),
    (
        "selector-is-immutable",
        lambda d: d["spec"].update(
            selector={"matchLabels": {"app": "web", "tier": "fe"}},
            template={
                **d["spec"]["template"],
                "metadata": {"labels": {"app": "web", "tier": "fe"}},
            },
        ),
        [
            'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":'
            '"web", "tier":"fe"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: '
            "field is immutable"
        ],
    ),
    (
        "empty-and-missing-match-expressions-are-equal",
        _set("spec.selector", {"matchLabels": {"app": "web"}, "matchExpressions": []}),
        [],
    ),
]


@pytest.mark.parametrize("kind", [DEPLOYMENT, REPLICASET], ids=["deployment", "replicaset"])
@pytest.mark.parametrize(
    ("edit", "expected"),
    [(e, x) for _, e, x in UPDATE_CASES],
    ids=[i for i, _, _ in UPDATE_CASES],
)
def test_update_validation(kind: Kind, edit: Edit, expected: list[str]) -> None:
    old = created(kind, deployment())
    new = copy.deepcopy(old)
    edit(new)
    assert update_messages(kind, old, new) == expected


def test_deployment_annotation_change_bumps_generation() -> None:
    old = created(DEPLOYMENT, deployment())
    old["metadata"]["generation"] = 4
    new = copy.deepcopy(old)
    new["metadata"]["annotations"] = {"kubernetes.io/change-cause": "rollout"}
    DEPLOYMENT.prepare_for_update(new, old)
    assert new["metadata"]["generation"] == 5


def test_replica_set_annotation_change_keeps_generation() -> None:
    old = created(REPLICASET, replica_set())
    old["metadata"]["generation"] = 4
    new = copy.deepcopy(old)
    new["metadata"]["annotations"] = {"a": "b"}
    REPLICASET.prepare_for_update(new, old)
    assert new["metadata"]["generation"] == 4


# -- status ----------------------------------------------------------------------------------
STATUS_CASES: list[tuple[str, Kind, dict[str, Any], list[str]]] = [
    ("deployment-consistent", DEPLOYMENT, {"replicas": 3, "readyReplicas": 2}, []),
    (
        "deployment-ready-above-replicas",
        DEPLOYMENT,
        {"replicas": 1, "readyReplicas": 2, "availableReplicas": 1},
        ["status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas"],
    ),
    (
        "deployment-available-above-ready",
        DEPLOYMENT,
        {"replicas": 3, "readyReplicas": 1, "availableReplicas": 2},
        ["status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas"],
    ),
    (
        "deployment-negative-observed-generation",
        DEPLOYMENT,
        {"observedGeneration": -1},
        ["status.observedGeneration: Invalid value: -1: must be greater than or equal to 0"],
    ),
    (
        "replica-set-fully-labeled-above-replicas",
        REPLICASET,
        {"replicas": 1, "fullyLabeledReplicas": 2},
        ["status.fullyLabeledReplicas: Invalid value: 2: cannot be greater than status.replicas"],
    ),
]


@pytest.mark.parametrize(
    ("kind", "status", "expected"),
    [(k, s, x) for _, k, s, x in STATUS_CASES],
    ids=[i for i, _, _, _ in STATUS_CASES],
)
def test_status_update_validation(kind: Kind, status: dict[str, Any], expected: list[str]) -> None:
    old = created(kind, deployment())
    new = copy.deepcopy(old)
    new["status"] = status
    assert [e.message for e in kind.validate_status_update(new, old)] == expected


def test_deployment_collision_count_cannot_go_down() -> None:
    old = created(DEPLOYMENT, deployment())
    old["status"] = {"collisionCount": 2}
    new = copy.deepcopy(old)
    new["status"] = {"collisionCount": 1}
    errs = DEPLOYMENT.validate_status_update(new, old)
    assert [e.message for e in errs] == [
        "status.collisionCount: Invalid value: 1: cannot be decremented"
    ]


# -- scale subresource -----------------------------------------------------------------------
def test_get_scale_is_an_autoscaling_v1_scale() -> None:
    obj = created(DEPLOYMENT, deployment())
    obj["metadata"].update(
        uid="u-1", resourceVersion="42", creationTimestamp="2024-01-01T00:00:00Z"
    )
    obj["spec"]["selector"] = {
        "matchLabels": {"app": "web"},
        "matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe", "be"]}],
    }
    obj["status"] = {"replicas": 2}
    assert get_scale(obj) == {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "uid": "u-1",
            "resourceVersion": "42",
            "creationTimestamp": "2024-01-01T00:00:00Z",
        },
        "spec": {"replicas": 3},
        "status": {"replicas": 2, "selector": "app=web,tier in (be,fe)"},
    }


def test_get_scale_omits_zero_replicas_like_json_omitempty() -> None:
    obj = created(REPLICASET, replica_set(replicas=0))
    scale = get_scale(obj)
    assert scale["spec"] == {} and scale["status"] == {"replicas": 0, "selector": "app=web"}


def test_apply_scale_sets_replicas_without_touching_the_input() -> None:
    obj = created(DEPLOYMENT, deployment())
    before = copy.deepcopy(obj)
    out = apply_scale(obj, {"spec": {"replicas": 7}, "metadata": {"resourceVersion": "9"}})
    assert out["spec"]["replicas"] == 7 and out["metadata"]["resourceVersion"] == "9"
    assert out["spec"]["template"] == obj["spec"]["template"]
    assert obj == before


def test_apply_scale_without_resource_version_keeps_metadata() -> None:
    obj = created(REPLICASET, replica_set())
    out = apply_scale(obj, {"spec": {"replicas": 0}})
    assert out["spec"]["replicas"] == 0 and out["metadata"] is obj["metadata"]
