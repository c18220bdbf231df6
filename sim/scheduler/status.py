"""Plugin results: a closed set of codes with reasons, and the FitError message.

Follows pkg/scheduler/framework/interface.go (Code, Status) and types.go (FitError.Error,
NoNodeAvailableMsg). Vectorised filters report one small integer per node: 0 Success,
1 Unschedulable, 2 UnschedulableAndUnresolvable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SUCCESS = "Success"
ERROR = "Error"
UNSCHEDULABLE = "Unschedulable"
UNRESOLVABLE = "UnschedulableAndUnresolvable"
WAIT = "Wait"
SKIP = "Skip"

# vector codes, in order of severity
OK, REJECT, UNRESOLVED = 0, 1, 2
CODE_OF_VECTOR = {OK: SUCCESS, REJECT: UNSCHEDULABLE, UNRESOLVED: UNRESOLVABLE}
VECTOR_OF_CODE = {SUCCESS: OK, UNSCHEDULABLE: REJECT, UNRESOLVABLE: UNRESOLVED}

NO_NODE_AVAILABLE = "0/{} nodes are available"


@dataclass(frozen=True, slots=True)
class Status:
    """A plugin's verdict. `plugin` names who said it (upstream's failedPlugin)."""

    code: str = SUCCESS
    reasons: tuple[str, ...] = ()
    plugin: str = ""

    @property
    def message(self) -> str:
        return ", ".join(self.reasons)

    def is_success(self) -> bool:
        return self.code == SUCCESS

    def is_skip(self) -> bool:
        return self.code == SKIP

    def is_rejected(self) -> bool:
        return self.code in (UNSCHEDULABLE, UNRESOLVABLE)

    def with_plugin(self, plugin: str) -> Status:
        return Status(self.code, self.reasons, plugin)

    def __repr__(self) -> str:
        return f"Status({self.code}{', ' + repr(list(self.reasons)) if self.reasons else ''})"


OK_STATUS = Status()
SKIP_STATUS = Status(SKIP)


def unschedulable(*reasons: str) -> Status:
    return Status(UNSCHEDULABLE, tuple(reasons))


def unresolvable(*reasons: str) -> Status:
    return Status(UNRESOLVABLE, tuple(reasons))


def as_status(value: Status | None) -> Status:
    """Plugins may return None for success, as upstream's nil *Status."""
    return OK_STATUS if value is None else value


def fit_error_message(
    num_all_nodes: int,
    node_statuses: Mapping[str, Status] | Iterable[Status],
    prefilter_msg: str = "",
    postfilter_msg: str = "",
) -> str:
    """FitError.Error(): `0/N nodes are available: <pre>. <count reason, ...>. <post>.`

    Reasons are counted over nodes and sorted as strings, as upstream's sortReasonsHistogram.
    """
    statuses = node_statuses.values() if isinstance(node_statuses, Mapping) else node_statuses
    counts: dict[str, int] = {}
    for st in statuses:
        for r in st.reasons:
            counts[r] = counts.get(r, 0) + 1
    msg = NO_NODE_AVAILABLE.format(num_all_nodes) + ":"
    if prefilter_msg:
        msg += f" {prefilter_msg}."
    elif counts:
        msg += " " + ", ".join(sorted(f"{v} {k}" for k, v in counts.items())) + "."
    if postfilter_msg:
        msg += f" {postfilter_msg}."
    return msg
