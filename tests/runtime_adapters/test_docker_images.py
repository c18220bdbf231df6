"""The Docker backend's local images, built for real on this machine's engine (no registry).

Skipped only where the Docker engine, or a tool an image is built with, is truly absent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from runtime_adapters.docker.images import IMAGE_LABEL, IMAGES, build_images, missing_tools

docker = pytest.importorskip("docker")
TEST_LABEL = "kubesim.io/test"


def _engine() -> Any:
    try:
        client = docker.from_env()
        client.ping()
    except docker.errors.DockerException as e:
        pytest.skip(f"no Docker engine here: {e}")
    return client


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    c = _engine()
    lacking = missing_tools()
    if lacking:
        pytest.skip(f"this machine lacks {', '.join(lacking)} to build the images")
    build_images(c)
    yield c
    for ctr in c.containers.list(all=True, filters={"label": TEST_LABEL}):
        ctr.remove(force=True)


def _run(client: Any, image: str, cmd: list[str] | None = None) -> Any:
    """Create and start (never `run`, which would pull a missing image)."""
    ctr = client.containers.create(image, cmd, labels={TEST_LABEL: "1"}, network_mode="none")
    ctr.start()
    return ctr


def test_the_images_carry_kubesims_label_and_local_tags(client: Any) -> None:
    found = {
        img.labels.get(IMAGE_LABEL): img.tags
        for img in client.images.list(filters={"label": IMAGE_LABEL})
    }
    for name, image in IMAGES.items():
        assert image.tag in found[name]


def test_busybox_runs_its_applets(client: Any) -> None:
    ctr = _run(client, IMAGES["busybox"].tag, ["sh", "-c", "echo hello; env | grep -c PATH"])
    try:
        assert ctr.wait(timeout=30)["StatusCode"] == 0
        assert ctr.logs().decode().split() == ["hello", "1"]
    finally:
        ctr.remove(force=True)


def test_pause_waits_and_exits_0_on_sigterm(client: Any) -> None:
    ctr = _run(client, IMAGES["pause"].tag)
    try:
        ctr.reload()
        assert ctr.status == "running"
        ctr.stop(timeout=5)
        ctr.reload()
        assert ctr.attrs["State"]["ExitCode"] == 0
    finally:
        ctr.remove(force=True)


def test_building_again_is_a_no_op_and_the_cli_names_each_tag(client: Any) -> None:
    from sim.cli import main

    before = {n: client.images.get(i.tag).id for n, i in IMAGES.items()}
    res = CliRunner().invoke(main, ["images", "build"])
    assert res.exit_code == 0, res.output
    assert res.output.split() == [w for n, i in IMAGES.items() for w in (n, i.tag)]
    assert {n: client.images.get(i.tag).id for n, i in IMAGES.items()} == before


def test_an_unknown_image_is_one_clear_line() -> None:
    from sim.cli import main

    res = CliRunner().invoke(main, ["images", "build", "nginx"])
    assert res.exit_code == 1
    assert res.output == "Error: unknown image 'nginx' (known: busybox, pause)\n"
