"""Server-side table printing: the `kubectl get` columns of each kind, as the apiserver computes them.

This models upstream's human-readable printers for Kubernetes 1.32:

- `pkg/printers/internalversion/printers.go`: the column definitions (`AddHandlers`) and one
  print function per kind (`printPod`, `printDeployment`, `printNode`, ...). `print_row` returns
  the cells of every column, wide ones included, because the apiserver's table convertor
  (`pkg/printers/storage/storage.go`) always generates with `Wide: true`;
- `pkg/printers/tablegenerator.go` (`GenerateTable`) for `table`, which builds the
  `meta.k8s.io/v1` `Table` answered to `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`;
- `staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go` for `human_duration` and
  `short_human_duration` (AGE, LAST SEEN, the `3 (2m ago)` restarts);
- `staging/src/k8s.io/cli-runtime/pkg/printers/tableprinter.go` (`decorateTable`, `printTable`),
  `terminal.go` and kubectl's tab writer (minwidth 6, tabwidth 4, padding 3, pad with spaces) for
  `render`, the text `kubectl get` prints.

Guarantees: inputs (possibly read-only `FrozenDict`/`FrozenList`) are never mutated; every result
is plain JSON (dict, list, str, int, bool) that the caller owns; output depends only on the
objects, `now_s` and `seconds_of`, so it is deterministic. Column descriptions are the 1.32
`SwaggerDoc()` texts the upstream definitions point at (k8s.io/api and apimachinery v0.32.0).

Layout: `durations` (duration.go), `descriptions` and `columns` (the column definitions and
their texts, as data), `cells` (reading JSON, shared formatting), `pods` and `kinds` (the
per-kind print functions), `output` (rows, Tables, `render` and the tab writer).
"""

from sim.api.printers.columns import COLUMNS, Column
from sim.api.printers.durations import SecondsOf, human_duration, short_human_duration
from sim.api.printers.output import _tabwrite as _tabwrite  # private, kept importable for tests
from sim.api.printers.output import print_row, render, table

__all__ = [
    "COLUMNS",
    "Column",
    "SecondsOf",
    "human_duration",
    "print_row",
    "render",
    "short_human_duration",
    "table",
]
