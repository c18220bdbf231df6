"""The Docker node backend (issue 13, in progress): so far the local image catalog
(`images.build_images`); the CRI services over the engine come next.

Only the composition root (sim/cluster.py, sim/cli.py) imports this package."""

from runtime_adapters.docker.images import IMAGES, BuildError, build_images

__all__ = ["IMAGES", "BuildError", "build_images"]
