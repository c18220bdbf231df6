"""kube-scheduler: the scheduling queue, the framework with upstream's extension points, the
default plugins, profiles from KubeSchedulerConfiguration, preemption, and an explain API.

    sched = install(runtime, {"profiles": [...]})     # start it on a Runtime port
    explain(pod, nodes, pods, config, objects)        # why a pod lands where it does
    register_plugin("MyScore")(MyScorePlugin)         # a custom plugin, enabled by name
    install(runtime, cfg, registry={"MyScore": MyScorePlugin})  # ... for one scheduler only

See docs/scheduler.md.
"""

import sim.scheduler.plugins  # noqa: F401  (registers the in-tree plugins)
from sim.scheduler.config import ConfigError, SchedulerConfiguration, parse_configuration
from sim.scheduler.explain import Explanation, explain
from sim.scheduler.framework import Framework, num_feasible_nodes_to_find
from sim.scheduler.interface import (
    MAX_NODE_SCORE,
    REGISTRY,
    CycleState,
    NodeVerdicts,
    Plugin,
    register_plugin,
    scoped_registry,
)
from sim.scheduler.podinfo import PodInfo
from sim.scheduler.scheduler import Scheduler, install, why
from sim.scheduler.snapshot import NodeInfo, Snapshot
from sim.scheduler.status import (
    ERROR,
    SKIP,
    SUCCESS,
    UNRESOLVABLE,
    UNSCHEDULABLE,
    Status,
)

__all__ = [
    "ERROR",
    "MAX_NODE_SCORE",
    "REGISTRY",
    "SKIP",
    "SUCCESS",
    "UNRESOLVABLE",
    "UNSCHEDULABLE",
    "ConfigError",
    "CycleState",
    "Explanation",
    "Framework",
    "NodeInfo",
    "NodeVerdicts",
    "PodInfo",
    "Plugin",
    "Scheduler",
    "SchedulerConfiguration",
    "Snapshot",
    "Status",
    "explain",
    "install",
    "num_feasible_nodes_to_find",
    "parse_configuration",
    "register_plugin",
    "scoped_registry",
    "why",
]
