"""Label selectors: the string grammar, metav1.LabelSelector, matching and validation.

Follows k8s.io/apimachinery/pkg/labels/selector.go (Parse, NewRequirement, Requirement.Matches,
String, SelectorFromValidatedSet), pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector) and
pkg/apis/meta/v1/validation/validation.go (ValidateLabelSelector), as of Kubernetes 1.32.

Guarantees:
- `parse_selector` accepts exactly upstream's grammar (`a=b,c!=d,e in (x,y),f notin (z),g,!h`,
  `==`, `x>1`, `x<1`) and raises `SelectorError` with upstream's message text, including the
  `unable to parse requirement: ...` wrapping and Go's value quoting.
- Selectors are immutable and hashable; requirements are sorted by key (stably, so the order of
  equal keys is kept), parsed value sets are sorted and de-duplicated, and `str(selector)` is
  upstream's String(), which re-parses to an equal selector.
- `Selector.matches` is precompiled per requirement; `None` labels match like empty labels.
- `selector_from_label_selector(None)` is NOTHING and `({})` is EVERYTHING, as upstream.

Layout: `requirement` (operators, SelectorError, Requirement), `selector` (Selector, EVERYTHING,
NOTHING), `parser` (the string grammar) and `metav1` (LabelSelector conversion and validation).
"""

from sim.api.labels.metav1 import (
    SelectorKey,
    label_selector_matches,
    selector_from_label_selector,
    validate_label_selector,
)
from sim.api.labels.parser import Token, parse_selector
from sim.api.labels.requirement import (
    DOES_NOT_EXIST,
    DOUBLE_EQUALS,
    EQUALS,
    EXISTS,
    GREATER_THAN,
    IN,
    LESS_THAN,
    NOT_EQUALS,
    NOT_IN,
    Labels,
    Matcher,
    Requirement,
    SelectorError,
    new_requirement,
)
from sim.api.labels.requirement import _go_quote as _go_quote  # private; sim.api.fields uses it
from sim.api.labels.selector import EVERYTHING, NOTHING, Selector, selector_from_set

__all__ = [
    "DOES_NOT_EXIST",
    "DOUBLE_EQUALS",
    "EQUALS",
    "EVERYTHING",
    "EXISTS",
    "GREATER_THAN",
    "IN",
    "LESS_THAN",
    "NOTHING",
    "NOT_EQUALS",
    "NOT_IN",
    "Labels",
    "Matcher",
    "Requirement",
    "Selector",
    "SelectorError",
    "SelectorKey",
    "Token",
    "label_selector_matches",
    "new_requirement",
    "parse_selector",
    "selector_from_label_selector",
    "selector_from_set",
    "validate_label_selector",
]
