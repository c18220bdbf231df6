"""kube-controller-manager's control loops, one module per controller (see docs/controllers.md).

`install(runtime, config)` starts every enabled controller and returns the ControllerManager.
"""

from sim.controllers.manager import ControllerManager, ControllerManagerConfig, install

__all__ = ["ControllerManager", "ControllerManagerConfig", "install"]
