"""The simulated host's image store: the ImageService calls.

Guarantees: an image pulls in size / `pull_bandwidth_bps` after a `pull_check_s` resolve; a
present image re-pulled costs only `pull_check_s`; concurrent pulls of one image share one
download; a pull in flight when the host loses power never answers; images stay on disk across
power cycles; an image a container uses cannot be removed. Digests are the sha256 of the
reference, so a run is a pure function of the seed. Upstream model: containerd's CRI plugin
(pkg/cri/server image_pull.go, image_list.go, image_status.go, image_remove.go,
imagefs_info.go).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import simpy

from runtime_adapters.cri import CriError, Image, PodSandboxConfig
from runtime_adapters.simulated.behavior import ImageSpec
from runtime_adapters.simulated.state import HostState

__all__ = ["ImageStore"]


class ImageStore:
    """ImageService: pull, list, status, remove and the image filesystem's usage, over the
    host's shared `state`."""

    def __init__(self, state: HostState):
        self.state = state

    def _lookup(self, image: str) -> ImageSpec | None:
        spec = self.state.catalog.lookup(image)
        last = image.rsplit("/", 1)[-1]
        if spec is None and ":" not in last and "@" not in last:
            spec = self.state.catalog.lookup(image + ":latest")
        return spec

    def pull_image(self, image: str, sandbox_config: PodSandboxConfig | None = None) -> simpy.Event:
        ev = self.state.clock.event()
        if not self.state.powered:
            return ev
        spec = self._lookup(image)
        if spec is None:
            msg = (
                f'failed to pull and unpack image "{image}": failed to resolve reference '
                f'"{image}": {image}: not found'
            )

        def fail_missing() -> None:
            raise CriError("NotFound", msg)

        if spec is None:
            return self.state.later(self.state.pull_check_s, fail_missing)
        if image in self.state.images:
            return self.state.later(self.state.pull_check_s, lambda: self.state.images[image][0].id)
        waiters = self.state.pulls.get(image)
        if waiters is not None:
            waiters.append(ev)
            return ev
        self.state.pulls[image] = [ev]
        epoch = self.state.epoch
        duration = self.state.pull_check_s + spec.size_bytes / self.state.pull_bandwidth_bps

        def done() -> None:
            if epoch != self.state.epoch:
                return
            digest = "sha256:" + hashlib.sha256(image.encode()).hexdigest()
            img = Image(digest, (image,), (f"{image.split(':')[0]}@{digest}",), spec.size_bytes)
            self.state.images[image] = (img, spec)
            self.state.images[digest] = (img, spec)
            for w in self.state.pulls.pop(image, []):
                w.succeed(digest)

        self.state.clock.call_later(duration, done)
        return ev

    def list_images(self) -> list[Image]:
        seen: dict[str, Image] = {}
        for img, _spec in self.state.images.values():
            seen.setdefault(img.id, img)
        return list(seen.values())

    def image_status(self, image: str) -> Image | None:
        entry = self.state.images.get(image)
        return entry[0] if entry else None

    def remove_image(self, image: str) -> simpy.Event:
        def remove() -> None:
            entry = self.state.images.get(image)
            if entry is None:
                return
            img = entry[0]
            if any(c.image_ref == img.id for c in self.state.containers.values()):
                raise CriError("FailedPrecondition", f"image {image} is in use by a container")
            for key in (*img.repo_tags, img.id):
                self.state.images.pop(key, None)

        return self.state.later(0.0, remove)

    def image_fs_info(self) -> Mapping[str, int]:
        return {"usedBytes": sum(i.size_bytes for i in self.list_images())}
