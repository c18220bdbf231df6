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

__all__ = ["ImageService"]


class ImageService(HostState):
    """ImageService: pull, list, status, remove and the image filesystem's usage."""

    def _lookup(self, image: str) -> ImageSpec | None:
        spec = self.catalog.lookup(image)
        last = image.rsplit("/", 1)[-1]
        if spec is None and ":" not in last and "@" not in last:
            spec = self.catalog.lookup(image + ":latest")
        return spec

    def pull_image(self, image: str, sandbox_config: PodSandboxConfig | None = None) -> simpy.Event:
        ev = self.clock.event()
        if not self.powered:
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
            return self._later(self.pull_check_s, fail_missing)
        if image in self._images:
            return self._later(self.pull_check_s, lambda: self._images[image][0].id)
        waiters = self._pulls.get(image)
        if waiters is not None:
            waiters.append(ev)
            return ev
        self._pulls[image] = [ev]
        epoch = self._epoch
        duration = self.pull_check_s + spec.size_bytes / self.pull_bandwidth_bps

        def done() -> None:
            if epoch != self._epoch:
                return
            digest = "sha256:" + hashlib.sha256(image.encode()).hexdigest()
            img = Image(digest, (image,), (f"{image.split(':')[0]}@{digest}",), spec.size_bytes)
            self._images[image] = (img, spec)
            self._images[digest] = (img, spec)
            for w in self._pulls.pop(image, []):
                w.succeed(digest)

        self.clock.call_later(duration, done)
        return ev

    def list_images(self) -> list[Image]:
        seen: dict[str, Image] = {}
        for img, _spec in self._images.values():
            seen.setdefault(img.id, img)
        return list(seen.values())

    def image_status(self, image: str) -> Image | None:
        entry = self._images.get(image)
        return entry[0] if entry else None

    def remove_image(self, image: str) -> simpy.Event:
        def remove() -> None:
            entry = self._images.get(image)
            if entry is None:
                return
            img = entry[0]
            if any(c.image_ref == img.id for c in self._containers.values()):
                raise CriError("FailedPrecondition", f"image {image} is in use by a container")
            for key in (*img.repo_tags, img.id):
                self._images.pop(key, None)

        return self._later(0.0, remove)

    def image_fs_info(self) -> Mapping[str, int]:
        return {"usedBytes": sum(i.size_bytes for i in self.list_images())}
