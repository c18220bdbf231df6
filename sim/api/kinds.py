"""The registry of API kinds: names, scope, subresources, and the per-kind strategy hooks.

A `Kind` is what the apiserver needs to serve a resource, in the spirit of upstream's
`rest.RESTCreateStrategy`/`RESTUpdateStrategy` (k8s.io/apiserver/pkg/registry/rest): defaulting
(`pkg/apis/*/v1/defaults.go`), `prepare_for_create`/`prepare_for_update` (`pkg/registry/*/strategy.go`)
and validation (`pkg/apis/*/validation/validation.go`). Adding a kind is one `Kind(...)` and
`REGISTRY.register(...)`; the apiserver, clients and CLI resolve kinds the way kubectl does
(`pods`, `Pod`, `po`, `deployments.apps`, `deploy`, `deployment.v1.apps`).

Hooks receive plain mutable dicts (never store objects) and must not keep references to them.
Object metadata (name, namespace, labels, annotations, ownerReferences, finalizers, immutable
metadata on update) is validated generically by the apiserver before the kind's own hook runs;
`name_validator` picks the rule for `metadata.name`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sim.api.errors import FieldError

Obj = dict[str, Any]
Defaulter = Callable[[Obj], None]
Validator = Callable[[Obj], list[FieldError]]
UpdateValidator = Callable[[Obj, Obj], list[FieldError]]
Preparer = Callable[[Obj], None]
UpdatePreparer = Callable[[Obj, Obj], None]
NameValidator = Callable[[str, bool], list[str]]


def noop(*_args: Any) -> None:
    """The hook of a kind that has none (the apiserver skips calling it)."""
    return None


def _no_errors(*_args: Any) -> list[FieldError]:
    return []


@dataclass(frozen=True, eq=False)
class Kind:
    """One served resource. `group` is "" for the core group."""

    kind: str
    group: str
    version: str
    plural: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()
    # generation starts at 1 and is bumped when `spec` changes (apps kinds, CRDs).
    spec_generation: bool = False
    # metadata.name rule: a function (name, prefix) -> messages, as upstream ValidateNameFunc.
    name_validator: NameValidator | None = None
    default: Defaulter = noop
    prepare_for_create: Preparer = noop
    prepare_for_update: UpdatePreparer = noop
    validate: Validator = _no_errors
    validate_update: UpdateValidator = _no_errors
    # Status-subresource update hook: (new, old) after the generic "take only status" step.
    validate_status_update: UpdateValidator = _no_errors
    # Upstream AllowCreateOnUpdate: PUT of a missing object creates it (Node, Lease, Event...).
    allow_create_on_update: bool = False
    # Upstream AllowUnconditionalUpdate: a PUT without resourceVersion is accepted.
    allow_unconditional_update: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @cached_property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @cached_property
    def group_resource(self) -> str:
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def list_kind(self) -> str:
        return self.kind + "List"

    def has_status(self) -> bool:
        return "status" in self.subresources

    def __repr__(self) -> str:
        return f"Kind({self.kind}.{self.group or 'core'}/{self.version})"


class UnknownKind(LookupError):
    pass


class KindRegistry:
    """Kinds by every name kubectl accepts for them."""

    def __init__(self) -> None:
        self._kinds: list[Kind] = []
        self._by_name: dict[str, Kind] = {}
        self._by_gvk: dict[tuple[str, str], Kind] = {}

    def register(self, kind: Kind) -> Kind:
        if (kind.api_version, kind.kind) in self._by_gvk:
            raise ValueError(f"kind {kind.api_version}/{kind.kind} is registered already")
        self._kinds.append(kind)
        self._by_gvk[(kind.api_version, kind.kind)] = kind
        names = {kind.plural, kind.singular, kind.kind.lower(), *kind.short_names}
        for n in sorted(names):
            for key in (n, f"{n}.{kind.group}", f"{n}.{kind.version}.{kind.group}"):
                self._by_name.setdefault(key.lower().rstrip("."), kind)
        return kind

    def resolve(self, name: str | Kind) -> Kind:
        """A kind from any kubectl spelling: `pods`, `Pod`, `po`, `deploy`, `deployments.apps`."""
        if isinstance(name, Kind):
            return name
        k = self._by_name.get(name)
        if k is not None:
            return k
        k = self._by_name.get(name.lower())
        if k is None:
            raise UnknownKind(f'the server doesn\'t have a resource type "{name}"')
        return k

    def for_object(self, api_version: str, kind: str) -> Kind:
        k = self._by_gvk.get((api_version, kind))
        if k is None:
            raise UnknownKind(f'no matches for kind "{kind}" in version "{api_version}"')
        return k

    def by_group_resource(self, group: str, plural: str) -> Kind | None:
        for k in self._kinds:
            if k.group == group and k.plural == plural:
                return k
        return None

    def __iter__(self) -> Iterable[Kind]:  # type: ignore[override]
        return iter(list(self._kinds))

    def all(self) -> list[Kind]:
        return list(self._kinds)


REGISTRY = KindRegistry()
