"""Why a scheduling cycle found no node: per candidate node the first filter plugin that
rejected it, with its code and reasons, and upstream's FitError message built from them.

Models pkg/scheduler/framework/types.go (Diagnosis, FitError.Error: "0/N nodes are
available: ..." with the reasons counted and sorted). The verdicts are numpy arrays indexed
like the candidate slots (see framework.py for how the filters fill them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.scheduler.snapshot import Snapshot
from sim.scheduler.status import (
    CODE_OF_VECTOR,
    OK_STATUS,
    VECTOR_OF_CODE,
    Status,
    fit_error_message,
)


@dataclass
class Diagnosis:
    """Why nodes were rejected: per candidate slot the first rejecting plugin and its verdict."""

    snapshot: Snapshot
    slots: np.ndarray
    codes: np.ndarray
    plugin_idx: np.ndarray
    reason_ids: np.ndarray
    plugins: list[str]
    tables: list[list[tuple[str, ...]]]
    num_all_nodes: int
    prefilter_status: Status | None = None
    prefilter_msg: str = ""
    postfilter_msg: str = ""
    unschedulable_plugins: set[str] = field(default_factory=set)

    def status_of_slot(self, i: int) -> Status:
        code = int(self.codes[i])
        if code == 0:
            return OK_STATUS
        p = int(self.plugin_idx[i])
        return Status(
            CODE_OF_VECTOR[code], self.tables[p][int(self.reason_ids[i])], self.plugins[p]
        )

    def statuses(self) -> dict[str, Status]:
        """Per node name, the rejecting status (every node when PreFilter rejected)."""
        nodes = self.snapshot.nodes
        if self.prefilter_status is not None:
            return {ni.name: self.prefilter_status for ni in nodes if ni is not None}
        out: dict[str, Status] = {}
        for i in np.flatnonzero(self.codes):
            ni = nodes[int(self.slots[i])]
            assert ni is not None
            out[ni.name] = self.status_of_slot(int(i))
        return out

    def slots_with_code(self, code: str) -> np.ndarray:
        if self.prefilter_status is not None:
            return self.snapshot.order() if self.prefilter_status.code == code else self.slots[:0]
        return self.slots[self.codes == VECTOR_OF_CODE[code]]

    def message(self) -> str:
        if self.prefilter_status is not None:
            return fit_error_message(
                self.num_all_nodes, {}, self.prefilter_msg, self.postfilter_msg
            )
        counts: dict[str, int] = {}
        rejected = self.codes > 0
        for p, table in enumerate(self.tables):
            sel = rejected & (self.plugin_idx == p)
            if not sel.any():
                continue
            hist = np.bincount(self.reason_ids[sel], minlength=len(table))
            for rid in np.flatnonzero(hist):
                for r in table[int(rid)]:
                    counts[r] = counts.get(r, 0) + int(hist[rid])
        msg = f"0/{self.num_all_nodes} nodes are available:"
        if counts:
            msg += " " + ", ".join(sorted(f"{v} {k}" for k, v in counts.items())) + "."
        if self.postfilter_msg:
            msg += f" {self.postfilter_msg}."
        return msg
