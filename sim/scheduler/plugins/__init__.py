"""The in-tree plugins; importing this package registers them by their upstream names."""

from sim.scheduler.plugins.basic import (
    DefaultBinder,
    ImageLocality,
    NodeName,
    NodePorts,
    NodeUnschedulable,
    PrioritySort,
    SchedulingGates,
    TaintToleration,
)
from sim.scheduler.plugins.defaultpreemption import DefaultPreemption
from sim.scheduler.plugins.interpodaffinity import InterPodAffinity
from sim.scheduler.plugins.nodeaffinity import NodeAffinity
from sim.scheduler.plugins.noderesources import NodeResourcesBalancedAllocation, NodeResourcesFit
from sim.scheduler.plugins.podtopologyspread import PodTopologySpread

__all__ = [
    "DefaultBinder",
    "DefaultPreemption",
    "ImageLocality",
    "InterPodAffinity",
    "NodeAffinity",
    "NodeName",
    "NodePorts",
    "NodeResourcesBalancedAllocation",
    "NodeResourcesFit",
    "NodeUnschedulable",
    "PodTopologySpread",
    "PrioritySort",
    "SchedulingGates",
    "TaintToleration",
]
