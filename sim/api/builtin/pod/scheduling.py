"""Scheduling constraints: node selectors, affinity, tolerations, topology spread.

Models ValidateNodeSelector, validateAffinity (node and pod (anti-)affinity, with
MatchLabelKeysInPodAffinity on as in 1.32), ValidateTolerations, validateTaintEffect and
validateTopologySpreadConstraints of pkg/apis/core/validation/validation.go. The node kind
reuses `validate_taint_effect` and `validate_node_selector`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.api.builtin.pod.constants import (
    NODE_INCLUSION_POLICIES,
    NOT_POSITIVE_ERROR,
    TAINT_EFFECTS,
    TOLERATION_OPERATORS,
    WHEN_UNSATISFIABLE,
)
from sim.api.builtin.pod.values import Errs, GoValue, _int, _items, _map, go_str, label_name_errors
from sim.api.errors import duplicate, forbidden, invalid, not_supported, required
from sim.api.labels import validate_label_selector
from sim.api.validation.common import is_valid_label_value, name_is_dns_label, name_is_dns_subdomain


def _node_selector_requirement(rq: Mapping[str, Any], path: str) -> Errs:
    """ValidateNodeSelectorRequirement."""
    errs: Errs = []
    op, values = rq.get("operator"), _items(rq.get("values"))
    if op in ("In", "NotIn"):
        if not values:
            errs.append(
                required(f"{path}.values", "must be specified when `operator` is 'In' or 'NotIn'")
            )
    elif op in ("Exists", "DoesNotExist"):
        if values:
            errs.append(
                forbidden(
                    f"{path}.values",
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                )
            )
    elif op in ("Gt", "Lt"):
        if len(values) != 1:
            errs.append(
                required(
                    f"{path}.values",
                    "must be specified single value when `operator` is 'Lt' or 'Gt'",
                )
            )
    else:
        errs.append(
            invalid(
                f"{path}.operator", op if op is not None else "", "not a valid selector operator"
            )
        )
    return errs + label_name_errors(rq.get("key", ""), f"{path}.key")


def _node_field_selector_requirement(rq: Mapping[str, Any], path: str) -> Errs:
    """ValidateNodeFieldSelectorRequirement."""
    errs: Errs = []
    op, values = rq.get("operator"), _items(rq.get("values"))
    if op in ("In", "NotIn"):
        if len(values) != 1:
            errs.append(
                required(
                    f"{path}.values",
                    "must be only one value when `operator` is "
                    "'In' or 'NotIn' for node field selector",
                )
            )
    else:
        errs.append(
            invalid(
                f"{path}.operator", op if op is not None else "", "not a valid selector operator"
            )
        )
    key = rq.get("key", "")
    if key != "metadata.name":
        errs.append(invalid(f"{path}.key", key, "not a valid field selector key"))
    else:
        for i, v in enumerate(values):
            errs += [invalid(f"{path}.values[{i}]", v, m) for m in name_is_dns_subdomain(v, False)]
    return errs


def _node_selector_term(term: Mapping[str, Any], path: str) -> Errs:
    """ValidateNodeSelectorTerm."""
    errs: Errs = []
    for j, rq in enumerate(_items(term.get("matchExpressions"))):
        errs += _node_selector_requirement(_map(rq), f"{path}.matchExpressions[{j}]")
    for j, rq in enumerate(_items(term.get("matchFields"))):
        errs += _node_field_selector_requirement(_map(rq), f"{path}.matchFields[{j}]")
    return errs


def validate_node_selector(selector: Mapping[str, Any], path: str) -> Errs:
    """ValidateNodeSelector (a required node affinity, or a PV's node affinity)."""
    terms = _items(selector.get("nodeSelectorTerms"))
    tpath = f"{path}.nodeSelectorTerms"
    if not terms:
        return [required(tpath, "must have at least one node selector term")]
    errs: Errs = []
    for i, term in enumerate(terms):
        errs += _node_selector_term(_map(term), f"{tpath}[{i}]")
    return errs


def _weight_errors(weight: Any, path: str) -> Errs:
    if _int(weight) is None or not 1 <= weight <= 100:
        return [invalid(path, weight if weight is not None else 0, "must be in the range 1-100")]
    return []


def _node_affinity(na: Mapping[str, Any], path: str) -> Errs:
    """validateNodeAffinity and ValidatePreferredSchedulingTerms."""
    errs: Errs = []
    req = na.get("requiredDuringSchedulingIgnoredDuringExecution")
    if req is not None:
        errs += validate_node_selector(
            _map(req), f"{path}.requiredDuringSchedulingIgnoredDuringExecution"
        )
    ppath = f"{path}.preferredDuringSchedulingIgnoredDuringExecution"
    for i, term in enumerate(_items(na.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        term = _map(term)
        errs += _weight_errors(term.get("weight"), f"{ppath}[{i}].weight")
        errs += _node_selector_term(_map(term.get("preference")), f"{ppath}[{i}].preference")
    return errs


def _label_keys(keys: list[Any], selector: Any, path: str) -> Errs:
    """validateLabelKeys (matchLabelKeys / mismatchLabelKeys of a pod affinity term)."""
    if not keys:
        return []
    if selector is None:
        return [forbidden(path, "must not be specified when labelSelector is not set")]
    errs: Errs = []
    for i, key in enumerate(keys):
        errs += label_name_errors(key, f"{path}[{i}]")
    return errs


def _match_label_keys(term: Mapping[str, Any], path: str) -> Errs:
    """validateMatchLabelKeysAndMismatchLabelKeys."""
    match, mismatch = _items(term.get("matchLabelKeys")), _items(term.get("mismatchLabelKeys"))
    selector = term.get("labelSelector")
    errs = _label_keys(match, selector, f"{path}.matchLabelKeys")
    errs += _label_keys(mismatch, selector, f"{path}.mismatchLabelKeys")
    if selector is not None:
        index = {k: i for i, k in enumerate(match) if isinstance(k, str)}
        seen: set[Any] = set(_map(_map(selector).get("matchLabels")))
        for expr in _items(_map(selector).get("matchExpressions")):
            key = _map(expr).get("key")
            if key in index and key in seen:
                errs.append(
                    invalid(
                        f"{path}[{index[key]}]",
                        key,
                        "exists in both matchLabelKeys and labelSelector",
                    )
                )
            seen.add(key)
    mismatch_set = set(k for k in mismatch if isinstance(k, str))
    for i, k in enumerate(match):
        if k in mismatch_set:
            errs.append(
                invalid(
                    f"{path}.matchLabelKeys[{i}]",
                    k,
                    "exists in both matchLabelKeys and mismatchLabelKeys",
                )
            )
    return errs


def _pod_affinity_term(term: Mapping[str, Any], path: str) -> Errs:
    """validatePodAffinityTerm."""
    errs = validate_label_selector(term.get("labelSelector"), f"{path}.labelSelector")
    errs += validate_label_selector(term.get("namespaceSelector"), f"{path}.namespaceSelector")
    for name in _items(term.get("namespaces")):
        errs += [invalid(f"{path}.namespace", name, m) for m in name_is_dns_label(name, False)]
    errs += _match_label_keys(term, path)
    topology_key = term.get("topologyKey") or ""
    if not topology_key:
        errs.append(required(f"{path}.topologyKey", "can not be empty"))
    return errs + label_name_errors(topology_key, f"{path}.topologyKey")


def _pod_affinity(pa: Mapping[str, Any], path: str) -> Errs:
    """validatePodAffinity / validatePodAntiAffinity."""
    errs: Errs = []
    rpath = f"{path}.requiredDuringSchedulingIgnoredDuringExecution"
    for i, term in enumerate(_items(pa.get("requiredDuringSchedulingIgnoredDuringExecution"))):
        errs += _pod_affinity_term(_map(term), f"{rpath}[{i}]")
    ppath = f"{path}.preferredDuringSchedulingIgnoredDuringExecution"
    for i, term in enumerate(_items(pa.get("preferredDuringSchedulingIgnoredDuringExecution"))):
        term = _map(term)
        errs += _weight_errors(term.get("weight"), f"{ppath}[{i}].weight")
        errs += _pod_affinity_term(
            _map(term.get("podAffinityTerm")), f"{ppath}[{i}].podAffinityTerm"
        )
    return errs


def _affinity(affinity: Any, path: str) -> Errs:
    """validateAffinity."""
    affinity = _map(affinity)
    errs: Errs = []
    if affinity.get("nodeAffinity") is not None:
        errs += _node_affinity(_map(affinity["nodeAffinity"]), f"{path}.nodeAffinity")
    for key in ("podAffinity", "podAntiAffinity"):
        if affinity.get(key) is not None:
            errs += _pod_affinity(_map(affinity[key]), f"{path}.{key}")
    return errs


def validate_taint_effect(effect: Any, allow_empty: bool, path: str) -> Errs:
    """validateTaintEffect."""
    if not allow_empty and not effect:
        return [required(path)]
    if effect not in TAINT_EFFECTS:
        return [not_supported(path, effect, TAINT_EFFECTS)]
    return []


def _go_toleration(t: Mapping[str, Any]) -> GoValue:
    seconds = "(*int64)(nil)" if t.get("tolerationSeconds") is None else "(*int64)(0xc000000000)"
    return GoValue(
        f"core.Toleration{{Key:{go_str(t.get('key', ''))}, "
        f"Operator:{go_str(t.get('operator', ''))}, Value:{go_str(t.get('value', ''))}, "
        f"Effect:{go_str(t.get('effect', ''))}, TolerationSeconds:{seconds}}}"
    )


def validate_tolerations(tolerations: Any, path: str) -> Errs:
    """ValidateTolerations."""
    errs: Errs = []
    for i, t in enumerate(_items(tolerations)):
        t = _map(t)
        tpath = f"{path}[{i}]"
        key, op = t.get("key") or "", t.get("operator") or ""
        value, effect = t.get("value") or "", t.get("effect") or ""
        if key:
            errs += label_name_errors(key, f"{tpath}.key")
        if not key and op != "Exists":
            errs.append(
                invalid(
                    f"{tpath}.operator",
                    op,
                    "operator must be Exists when `key` is "
                    'empty, which means "match all values and all keys"',
                )
            )
        if t.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(
                invalid(
                    f"{tpath}.effect",
                    effect,
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                )
            )
        if op in ("Equal", ""):
            msgs = is_valid_label_value(value)
            if msgs:
                errs.append(invalid(f"{tpath}.operator", value, ";".join(msgs)))
        elif op == "Exists":
            if value:
                errs.append(
                    invalid(
                        f"{tpath}.operator",
                        _go_toleration(t),
                        "value must be empty when `operator` is 'Exists'",
                    )
                )
        else:
            errs.append(not_supported(f"{tpath}.operator", op, TOLERATION_OPERATORS))
        if effect:
            errs += validate_taint_effect(effect, True, f"{tpath}.effect")
    return errs


def _spread_constraint(c: Mapping[str, Any], rest: list[Any], path: str) -> Errs:
    """One entry of validateTopologySpreadConstraints."""
    errs: Errs = []
    max_skew, key, action = (
        c.get("maxSkew", 0),
        c.get("topologyKey") or "",
        c.get("whenUnsatisfiable") or "",
    )
    if _int(max_skew) is None or max_skew <= 0:
        errs.append(invalid(f"{path}.maxSkew", max_skew, NOT_POSITIVE_ERROR))
    if not key:
        errs.append(required(f"{path}.topologyKey", "can not be empty"))
    if action not in WHEN_UNSATISFIABLE:
        errs.append(not_supported(f"{path}.whenUnsatisfiable", action, WHEN_UNSATISFIABLE))
    for other in rest:
        other = _map(other)
        if other.get("topologyKey", "") == key and other.get("whenUnsatisfiable", "") == action:
            errs.append(
                duplicate(f"{path}.{{topologyKey, whenUnsatisfiable}}", f"{{{key}, {action}}}")
            )
            break
    min_domains = c.get("minDomains")
    if min_domains is not None:
        if _int(min_domains) is None or min_domains <= 0:
            errs.append(invalid(f"{path}.minDomains", min_domains, NOT_POSITIVE_ERROR))
        if action != "DoNotSchedule":
            errs.append(
                invalid(
                    f"{path}.minDomains",
                    min_domains,
                    f"can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action}",
                )
            )
    for policy_key in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
        policy = c.get(policy_key)
        if policy is not None and policy not in NODE_INCLUSION_POLICIES:
            errs.append(not_supported(f"{path}.{policy_key}", policy, NODE_INCLUSION_POLICIES))
    errs += _spread_match_label_keys(c, f"{path}.matchLabelKeys")
    return errs + validate_label_selector(c.get("labelSelector"), f"{path}.labelSelector")


def _spread_match_label_keys(c: Mapping[str, Any], path: str) -> Errs:
    """validateMatchLabelKeysInTopologySpread."""
    keys = _items(c.get("matchLabelKeys"))
    if not keys:
        return []
    selector = c.get("labelSelector")
    errs: Errs = []
    in_selector: set[Any] = set()
    if selector is not None:
        in_selector = set(_map(_map(selector).get("matchLabels")))
        in_selector |= {_map(e).get("key") for e in _items(_map(selector).get("matchExpressions"))}
    else:
        errs.append(forbidden(path, "must not be specified when labelSelector is not set"))
    for i, key in enumerate(keys):
        errs += label_name_errors(key, f"{path}[{i}]")
        if key in in_selector:
            errs.append(
                invalid(f"{path}[{i}]", key, "exists in both matchLabelKeys and labelSelector")
            )
    return errs


def _topology_spread_constraints(constraints: Any, path: str) -> Errs:
    errs: Errs = []
    items = _items(constraints)
    for i, c in enumerate(items):
        errs += _spread_constraint(_map(c), items[i + 1 :], f"{path}[{i}]")
    return errs
