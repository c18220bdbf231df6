"""Local images for the Docker node backend, built on this machine from Debian packages.

There is no registry: the engine's pull is never called (it would try the public registry).
Each image is built from what this machine has and `docker import`ed under a local tag:

- `busybox` (`kubesim.local/busybox:1.35`): Debian's `busybox-static` (downloaded with
  `apt-get download`, unpacked with `dpkg-deb`), one static binary and a symlink per applet in
  `/bin`, so `sh`, `echo`, `sleep`, `cat`, `env`, `hostname`, `wget`, `nc` and `httpd` run.
- `pause` (`kubesim.local/pause:3.10`): the sandbox's infrastructure container, a static
  program built here with gcc from the C source below (written for kubesim: it waits for a
  signal, reaps children, and exits 0 on SIGINT or SIGTERM, which is what
  registry.k8s.io/pause does).

Every image carries the label `kubesim.io/image=<name>`, so that kubesim can tell (and later
remove) exactly what it built. Building an image that exists is a no-op unless `rebuild=True`.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "IMAGE_LABEL",
    "IMAGES",
    "BuildError",
    "LocalImage",
    "build_images",
    "missing_tools",
]

IMAGE_LABEL = "kubesim.io/image"


class BuildError(RuntimeError):
    """An image could not be built here (a tool or package missing): the message names it."""


@dataclass(frozen=True)
class LocalImage:
    name: str
    tag: str
    tools: tuple[str, ...]


IMAGES = {
    "busybox": LocalImage("busybox", "kubesim.local/busybox:1.35", ("apt-get", "dpkg-deb")),
    "pause": LocalImage("pause", "kubesim.local/pause:3.10", ("gcc",)),
}

PAUSE_C = r"""
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int sig) { (void)sig; _exit(0); }
static void reap(int sig) { (void)sig; while (waitpid(-1, 0, WNOHANG) > 0) {} }

int main(void) {
    struct sigaction term = {0}, child = {0};
    term.sa_handler = stop;
    child.sa_handler = reap;
    child.sa_flags = SA_NOCLDSTOP;
    if (sigaction(SIGINT, &term, 0) < 0 || sigaction(SIGTERM, &term, 0) < 0 ||
        sigaction(SIGCHLD, &child, 0) < 0)
        return 1;
    for (;;) pause();
}
"""


def missing_tools(names: Iterable[str] = IMAGES) -> list[str]:
    """The host tools the named images need and this machine lacks."""
    return sorted({t for n in names for t in IMAGES[n].tools if shutil.which(t) is None})


def _run(cmd: list[str], cwd: Path, what: str) -> None:
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if res.returncode != 0:
        tail = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no output"]
        raise BuildError(f"{what}: `{' '.join(cmd)}` failed: {tail[0]}")


def _busybox_rootfs(work: Path) -> bytes:
    _run(["apt-get", "download", "busybox-static"], work, "busybox")
    debs = sorted(work.glob("busybox-static_*.deb"))
    if not debs:
        raise BuildError("busybox: apt-get download busybox-static left no .deb")
    root = work / "root"
    _run(["dpkg-deb", "-x", str(debs[0]), str(root)], work, "busybox")
    binary = root / "bin" / "busybox"
    if not binary.is_file():
        raise BuildError("busybox: the package holds no /bin/busybox")
    applets = subprocess.run([str(binary), "--list"], capture_output=True, text=True, check=True)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for d in ("bin", "etc", "tmp", "proc", "sys", "dev"):
            info = tarfile.TarInfo(d)
            info.type, info.mode = tarfile.DIRTYPE, 0o1777 if d == "tmp" else 0o755
            tar.addfile(info)
        tar.add(binary, arcname="bin/busybox")
        for applet in sorted(set(applets.stdout.split()) - {"busybox"}):
            link = tarfile.TarInfo(f"bin/{applet}")
            link.type, link.linkname, link.mode = tarfile.SYMTYPE, "busybox", 0o777
            tar.addfile(link)
    return buf.getvalue()


def _pause_rootfs(work: Path) -> bytes:
    (work / "pause.c").write_text(PAUSE_C)
    _run(["gcc", "-static", "-O2", "-o", "pause", "pause.c"], work, "pause")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        tar.add(work / "pause", arcname="pause")
    return buf.getvalue()


_ROOTFS = {"busybox": (_busybox_rootfs, '["/bin/sh"]'), "pause": (_pause_rootfs, '["/pause"]')}


def build_images(
    client: Any, names: Iterable[str] = IMAGES, *, rebuild: bool = False
) -> dict[str, str]:
    """Build the named images into the engine of `client` (a docker.DockerClient); returns
    name -> tag. Raises BuildError naming what is missing, KeyError for an unknown name."""
    out: dict[str, str] = {}
    for name in names:
        image = IMAGES[name]
        out[name] = image.tag
        if not rebuild and client.images.list(filters={"reference": image.tag}):
            continue
        lacking = missing_tools([name])
        if lacking:
            raise BuildError(f"{name}: this machine lacks {', '.join(lacking)}")
        make, cmd = _ROOTFS[name]
        with tempfile.TemporaryDirectory(prefix=f"kubesim-{name}-") as tmp:
            rootfs = make(Path(tmp))
        repository, _, tag = image.tag.rpartition(":")
        client.api.import_image_from_data(
            rootfs,
            repository=repository,
            tag=tag,
            changes=[f"LABEL {IMAGE_LABEL}={name}", f"CMD {cmd}"],
        )
    return out
