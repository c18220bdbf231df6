"""sim.api: kinds, quantities, selectors, validation and defaulting (Kubernetes JSON in and out).

The built-in kinds register themselves when `sim.api.builtin` is imported (Cluster does it).
"""

from sim.api.errors import ApiError, FieldError
from sim.api.fields import FieldSelector, object_fields, parse_field_selector
from sim.api.frozen import FrozenDict, FrozenList, freeze, thaw
from sim.api.kinds import REGISTRY, Kind, KindRegistry, UnknownKind
from sim.api.labels import Selector, parse_selector, selector_from_label_selector
from sim.api.quantity import Quantity, QuantityError, cpu_milli, memory_bytes, parse_quantity

__all__ = [
    "REGISTRY",
    "ApiError",
    "FieldError",
    "FieldSelector",
    "FrozenDict",
    "FrozenList",
    "Kind",
    "KindRegistry",
    "Quantity",
    "QuantityError",
    "Selector",
    "UnknownKind",
    "cpu_milli",
    "freeze",
    "memory_bytes",
    "object_fields",
    "parse_field_selector",
    "parse_quantity",
    "parse_selector",
    "selector_from_label_selector",
    "thaw",
]
