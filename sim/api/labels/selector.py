"""Selectors: immutable, hashable conjunctions of requirements, and EVERYTHING / NOTHING.

Models k8s.io/apimachinery/pkg/labels/selector.go (internalSelector, Everything, Nothing,
SelectorFromValidatedSet) for Kubernetes 1.32: requirements sorted stably by key,
`str(selector)` is upstream's String(), `matches` runs the precompiled requirement matchers and
treats `None` labels as empty. NOTHING survives pickling as the same object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sim.api.labels.requirement import (
    _EMPTY,
    DOUBLE_EQUALS,
    EQUALS,
    IN,
    Labels,
    Matcher,
    Requirement,
)


class Selector:
    """An AND of requirements, sorted by key (upstream internalSelector); immutable."""

    __slots__ = ("_reqs", "_matchers")

    _reqs: tuple[Requirement, ...]
    _matchers: tuple[Matcher, ...]

    def __init__(self, requirements: Iterable[Requirement] = ()) -> None:
        reqs = tuple(sorted(requirements, key=lambda r: r.key))
        object.__setattr__(self, "_reqs", reqs)
        object.__setattr__(self, "_matchers", tuple(r.matches for r in reqs))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Selector is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Selector, (self._reqs,))

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        return self._reqs

    def matches(self, labels: Labels | None) -> bool:
        """True if every requirement holds for `labels` (None counts as no labels)."""
        ls = _EMPTY if labels is None else labels
        for match in self._matchers:
            if not match(ls):
                return False
        return True

    def empty(self) -> bool:
        """True if the selector does not restrict anything (upstream Empty)."""
        return not self._reqs

    def matches_nothing(self) -> bool:
        """upstream labels.MatchesNothing: only the NOTHING selector."""
        return False

    def add(self, *requirements: Requirement) -> Selector:
        """upstream Selector.Add: a new selector with more requirements."""
        return Selector((*self._reqs, *requirements))

    def requires_exact_match(self, key: str) -> str | None:
        """upstream RequiresExactMatch: the single value `key` must have, if any."""
        for r in self._reqs:
            if r.key == key:
                exact = r.operator in (EQUALS, DOUBLE_EQUALS, IN) and len(r.values) == 1
                return r.values[0] if exact else None
        return None

    def __str__(self) -> str:
        return ",".join(str(r) for r in self._reqs)

    def __repr__(self) -> str:
        return f"Selector({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Selector):
            return NotImplemented
        return type(self) is type(other) and self._reqs == other._reqs

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._reqs))


class _NothingSelector(Selector):
    """upstream labels.Nothing(): matches no labels, prints as ""."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_nothing, ())

    def matches(self, labels: Labels | None) -> bool:
        return False

    def empty(self) -> bool:
        return False

    def matches_nothing(self) -> bool:
        return True

    def add(self, *requirements: Requirement) -> Selector:
        return self

    def __repr__(self) -> str:
        return "NOTHING"


EVERYTHING = Selector()
NOTHING: Selector = _NothingSelector()


def _nothing() -> Selector:
    return NOTHING


def selector_from_set(labels: Mapping[str, str] | None) -> Selector:
    """upstream SelectorFromValidatedSet: `k=v` for every pair, unchecked; None/{} is EVERYTHING."""
    if not labels:
        return EVERYTHING
    return Selector(Requirement(k, EQUALS, (v,)) for k, v in labels.items())
