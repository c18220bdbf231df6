"""Rows, `meta.k8s.io/v1` Tables and the text `kubectl get` prints.

Models pkg/printers/tablegenerator.go (GenerateTable) for `table`,
staging/src/k8s.io/cli-runtime/pkg/printers/tableprinter.go (decorateTable, printTable) and
terminal.go for `render`, and Go's text/tabwriter as kubectl configures it (minwidth 6, tabwidth
4, padding 3, pad with spaces) for `_tabwrite`. Every result is plain JSON or text the caller
owns; inputs are never mutated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sim.api.printers.cells import _Ctx, _m, _plain, _Row, _s
from sim.api.printers.columns import _GROUPS, COLUMNS, Column
from sim.api.printers.durations import SecondsOf
from sim.api.printers.kinds import (
    _print_config_map,
    _print_deployment,
    _print_endpoint_slice,
    _print_endpoints,
    _print_event,
    _print_lease,
    _print_namespace,
    _print_node,
    _print_priority_class,
    _print_replica_set,
    _print_service,
)
from sim.api.printers.pods import _print_pod

_PRINTERS: dict[str, Callable[[Mapping[str, Any], _Ctx], _Row]] = {
    "Pod": _print_pod,
    "Deployment": _print_deployment,
    "ReplicaSet": _print_replica_set,
    "Service": _print_service,
    "Node": _print_node,
    "Namespace": _print_namespace,
    "Endpoints": _print_endpoints,
    "EndpointSlice": _print_endpoint_slice,
    "ConfigMap": _print_config_map,
    "Event": _print_event,
    "PriorityClass": _print_priority_class,
    "Lease": _print_lease,
}


def _printer(kind: str) -> Callable[[Mapping[str, Any], _Ctx], _Row]:
    try:
        return _PRINTERS[kind]
    except KeyError:
        raise KeyError(f"no table printer for kind {kind!r}") from None


def print_row(kind: str, obj: Mapping[str, Any], now_s: float, seconds_of: SecondsOf) -> list[Any]:
    """The cells of every column of `COLUMNS[kind]` (wide ones too), as the apiserver prints them.

    `now_s` is the current simulated time and `seconds_of` maps an RFC 3339 timestamp onto the
    same scale; ages are `human_duration(now_s - seconds_of(creationTimestamp))`.
    """
    return _printer(kind)(obj, _Ctx(now_s, seconds_of)).cells


def _partial_object_metadata(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": _plain(_m(obj, "metadata")),
    }


def table(
    kind: str,
    objs: Sequence[Mapping[str, Any]],
    now_s: float,
    seconds_of: SecondsOf,
    *,
    wide: bool = False,
    namespace_column: bool = False,
    list_meta: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A `meta.k8s.io/v1` Table of `objs`, as GenerateTable builds it.

    The apiserver answers `as=Table` with `wide=True` (every column; kubectl hides priority-1
    columns itself). `wide=False` is GenerateOptions{Wide: false}: priority-1 columns and their
    cells are dropped and a long LoadBalancer ingress list is clipped. `namespace_column`
    prepends kubectl's `Namespace` column (decorateTable). `list_meta` (resourceVersion,
    continue, ...) becomes the table's metadata. Each row's `object` is PartialObjectMetadata.
    """
    printer = _printer(kind)
    ctx = _Ctx(now_s, seconds_of, wide)
    keep = [i for i, c in enumerate(COLUMNS[kind]) if wide or c.priority == 0]
    columns = [COLUMNS[kind][i].to_json() for i in keep]
    if namespace_column:
        columns.insert(0, Column("Namespace", "string").to_json())
    rows = []
    for obj in objs:
        printed = printer(obj, ctx)
        cells = [printed.cells[i] for i in keep]
        if namespace_column:
            cells.insert(0, _s(_m(obj, "metadata"), "namespace"))
        row: dict[str, Any] = {"cells": cells}
        if printed.conditions:
            row["conditions"] = printed.conditions
        row["object"] = _partial_object_metadata(obj)
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": _plain(list_meta or {}),
        "columnDefinitions": columns,
        "rows": rows,
    }


def _cell_text(cell: Any) -> str:
    """printTable's cell text: fmt.Sprint, cut at the first line break, terminal-escaped."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        text = "true" if cell else "false"
    else:
        text = str(cell)
    cut = min((i for i in (text.find(c) for c in "\f\n\r") if i >= 0), default=-1)
    if cut >= 0:
        text = text[:cut]
    text = text.replace("\x1b", "^[").replace("\r", "\\r")
    return text + "..." if cut >= 0 else text


def render(
    kind: str,
    objs: Sequence[Mapping[str, Any]],
    now_s: float,
    seconds_of: SecondsOf,
    *,
    wide: bool = False,
    namespace_column: bool = False,
    show_kind: bool = False,
) -> str:
    """The text `kubectl get` prints for `objs`: upper-case headers, tab-aligned columns.

    Priority-1 columns appear only when `wide` (`-o wide`); `namespace_column` adds NAMESPACE
    (`-A`); `show_kind` prints names as `kind.group/name` (several kinds at once). No objects
    give "" — kubectl prints no header then, and `No resources found` is the caller's to say.
    """
    if not objs:
        return ""
    served = table(kind, objs, now_s, seconds_of, wide=True, namespace_column=namespace_column)
    columns = served["columnDefinitions"]
    visible = [i for i, c in enumerate(columns) if wide or c["priority"] == 0]
    name_at = next(
        (i for i, c in enumerate(columns) if c["format"] == "name" and c["type"] == "string"), -1
    )
    prefix = f"{kind}.{_GROUPS[kind]}" if kind in _GROUPS else kind
    lines = ["\t".join(columns[i]["name"].upper() for i in visible)]
    for row in served["rows"]:
        cells = [_cell_text(cell) for cell in row["cells"]]
        if show_kind and name_at >= 0:
            cells[name_at] = f"{prefix.lower()}/{cells[name_at]}"
        lines.append("\t".join(cells[i] for i in visible))
    return _tabwrite(lines)


_MIN_WIDTH = 6
_PADDING = 3


def _tabwrite(lines: Sequence[str]) -> str:
    """Align tab-terminated cells as Go's tabwriter does, column block by column block.

    A cell is text ended by a tab; the text after a line's last tab is not part of any column.
    A column's width is its widest cell plus the padding (at least the minimum width), taken
    over each run of consecutive lines that have a cell in that column.
    """
    cells = [line.split("\t") for line in lines]
    out: list[str] = []
    _format_block(cells, 0, len(cells), [], out)
    return "".join(out)


def _format_block(
    cells: list[list[str]], line0: int, line1: int, widths: list[int], out: list[str]
) -> None:
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(cells[this]) - 1:
            this += 1
            continue
        _write_lines(cells, line0, this, widths, out)
        line0 = this
        width = _MIN_WIDTH
        while this < line1 and column < len(cells[this]) - 1:
            width = max(width, len(cells[this][column]) + _PADDING)
            this += 1
        _format_block(cells, line0, this, [*widths, width], out)
        line0 = this
    _write_lines(cells, line0, line1, widths, out)


def _write_lines(
    cells: list[list[str]], line0: int, line1: int, widths: list[int], out: list[str]
) -> None:
    for line in cells[line0:line1]:
        for j, text in enumerate(line):
            out.append(text.ljust(widths[j]) if j < len(widths) else text)
        out.append("\n")
