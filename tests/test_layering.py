"""Layering kept honest: lower layers never import higher ones (STYLE.md).

core < api < store < apiserver < client < {scheduler, controllers, kubelet, network}
< scenario < cluster, cli. runtime_adapters sits beside client: the kubelet may use it, and only
the composition root (cluster, cli) may import a Docker adapter. Imports under
`if TYPE_CHECKING:` count like any other: a type annotation is a dependency too.

The seams (docs/architecture.md): no component imports the composition root `sim.cluster`; the
kubelet sees node backends only through `runtime_adapters.cri`, and nothing below the root
imports a particular backend (`runtime_adapters.simulated`, `runtime_adapters.docker`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RANK = {
    "sim.core": 0,
    "sim.api": 1,
    "sim.store": 2,
    "sim.apiserver": 3,
    "sim.client": 4,
    "runtime_adapters": 4,
    "sim.scheduler": 5,
    "sim.controllers": 5,
    "sim.kubelet": 5,
    "sim.network": 5,
    "sim.scenario": 6,
    "sim.cluster": 7,
    "sim.cli": 7,
    "sim.http": 7,  # the HTTP front and `kubesim serve` assemble a whole cluster
    "sim": 7,  # the package root re-exports the public API
}
PEERS_MAY_NOT_IMPORT_EACH_OTHER = {"sim.scheduler", "sim.controllers", "sim.kubelet"}


def layer_of(module: str) -> str | None:
    best = None
    for name in RANK:
        if module == name or module.startswith(name + "."):
            if best is None or len(name) > len(best):
                best = name
    return best


def imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
    return out


SOURCES = sorted(p for base in ("sim", "runtime_adapters") for p in (ROOT / base).rglob("*.py"))


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@pytest.mark.parametrize("path", SOURCES, ids=[module_name(p) for p in SOURCES])
def test_module_imports_only_lower_layers(path: Path) -> None:
    me = module_name(path)
    my_layer = layer_of(me)
    assert my_layer is not None, f"{me} belongs to no layer: add it to RANK"
    for line, target in imports(path):
        their_layer = layer_of(target)
        if their_layer is None or their_layer == my_layer:
            continue
        where = f"{path.relative_to(ROOT)}:{line} imports {target}"
        if me != "sim" and their_layer != "sim":
            assert RANK[their_layer] <= RANK[my_layer], f"upward import: {where}"
        if my_layer in PEERS_MAY_NOT_IMPORT_EACH_OTHER:
            assert their_layer not in PEERS_MAY_NOT_IMPORT_EACH_OTHER, f"peer import: {where}"
        if "docker" in target.split(".") and target.startswith("runtime_adapters"):
            assert my_layer in ("sim.cluster", "sim.cli"), f"only the root imports Docker: {where}"


COMPONENTS = (
    "sim.controllers",
    "sim.kubelet",
    "sim.scheduler",
    "sim.network",
    "sim.scenario",
    "sim.client",
    "sim.apiserver",
    "sim.store",
    "runtime_adapters",
)
BACKENDS = ("runtime_adapters.simulated", "runtime_adapters.docker")
ROOT_MODULES = ("sim.cluster", "sim.cli", "sim.http.remote", "sim.http.serve", "sim")


@pytest.mark.parametrize("path", SOURCES, ids=[module_name(p) for p in SOURCES])
def test_components_see_ports_not_the_root_or_a_backend(path: Path) -> None:
    me = module_name(path)
    for line, target in imports(path):
        where = f"{path.relative_to(ROOT)}:{line} imports {target}"
        if any(me == c or me.startswith(c + ".") for c in COMPONENTS):
            assert not (target == "sim.cluster" or target.startswith("sim.cluster.")), (
                f"a component imports the composition root: {where}"
            )
        backend = next((b for b in BACKENDS if target == b or target.startswith(b + ".")), None)
        if backend is not None and not me.startswith(backend):
            assert me in ROOT_MODULES, f"only the composition root picks a node backend: {where}"


def _runtime_import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports when it runs (`TYPE_CHECKING` imports left out;
    `from pkg import sub` counts as importing the submodule `pkg.sub`)."""
    modules = {module_name(p): p for p in SOURCES}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for me, path in modules.items():
        tree = ast.parse(path.read_text())
        type_only: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                type_only.update(id(sub) for sub in ast.walk(node))
        for node in ast.walk(tree):
            if id(node) in type_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    target = sub if sub in modules else node.module
                    if target in modules and target != me:
                        graph[me].add(target)
            elif isinstance(node, ast.Import):
                graph[me].update(a.name for a in node.names if a.name in modules)
    return graph


def test_no_import_circle_at_run_time() -> None:
    """The one circle left is of types only (docs/architecture.md): at run time, imports form
    no circle."""
    import networkx as nx

    g = nx.DiGraph([(a, b) for a, targets in _runtime_import_graph().items() for b in targets])
    cycles = sorted(sorted(c) for c in nx.simple_cycles(g))
    assert cycles == [], f"import circles at run time: {cycles[:3]}"
