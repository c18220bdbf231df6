"""The CRI contract suite: every node backend must pass it (subclass and provide `backend`).

A subclass provides a `backend` fixture returning a `Backend`: the runtime (RuntimeService,
ImageService and ProbeTransport), a way to let simulated (or real) time pass, an image the
registry has and one it does not.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

import pytest

from runtime_adapters.cri import (
    CONTAINER_CREATED,
    CONTAINER_CREATED_EVENT,
    CONTAINER_DELETED_EVENT,
    CONTAINER_EXITED,
    CONTAINER_RUNNING,
    CONTAINER_STARTED_EVENT,
    CONTAINER_STOPPED_EVENT,
    SANDBOX_NOTREADY,
    SANDBOX_READY,
    ContainerConfig,
    CriError,
    PodSandboxConfig,
)


@dataclass
class Backend:
    runtime: Any
    clock: Any
    known_image: str
    unknown_image: str
    pod_cidr: str = "10.244.3.0/24"

    def wait(self, event: Any, limit_s: float = 600.0) -> Any:
        """Let time pass until `event` is processed; its value, or its CriError raised."""

        def defuse(ev: Any) -> None:
            if not ev.ok:
                ev.defused = True

        if not event.processed:
            event.callbacks.append(defuse)
        deadline = self.clock.now + limit_s
        env = self.clock.env
        while not event.processed and env.peek() <= deadline:
            env.step()
        assert event.processed, "the call never answered"
        if not event.ok:
            raise event.value
        return event.value

    def idle(self, seconds: float) -> None:
        self.clock.run(until=self.clock.now + seconds)


def sandbox_config(uid: str = "uid-1", name: str = "p", attempt: int = 0) -> PodSandboxConfig:
    return PodSandboxConfig(
        name=name, namespace="default", uid=uid, attempt=attempt,
        labels={"io.kubernetes.pod.uid": uid, "app": name},
    )  # fmt: skip


class RuntimeContract:
    """The contract tests; `backend` is a fixture of the subclass."""

    def _sandbox(self, b: Backend, uid: str = "uid-1") -> tuple[str, PodSandboxConfig]:
        b.runtime.update_runtime_config(b.pod_cidr)
        cfg = sandbox_config(uid)
        return b.wait(b.runtime.run_pod_sandbox(cfg)), cfg

    def _container(self, b: Backend, sid: str, cfg: PodSandboxConfig, name: str = "c") -> str:
        b.wait(b.runtime.pull_image(b.known_image))
        config = ContainerConfig(
            name=name, image=b.known_image, labels={"io.kubernetes.container.name": name}
        )
        return b.wait(b.runtime.create_container(sid, config, cfg))

    def test_version_names_the_runtime(self, backend: Backend) -> None:
        v = backend.runtime.version()
        assert v["runtimeName"] and v["runtimeVersion"] and v["runtimeApiVersion"] == "v1"

    def test_pull_known_image_makes_it_present(self, backend: Backend) -> None:
        rt = backend.runtime
        assert rt.image_status(backend.known_image) is None
        ref = backend.wait(rt.pull_image(backend.known_image))
        img = rt.image_status(backend.known_image)
        assert img is not None and img.id == ref and img.size_bytes > 0
        assert [i.id for i in rt.list_images()] == [ref]

    def test_pull_unknown_image_fails_not_found(self, backend: Backend) -> None:
        with pytest.raises(CriError) as e:
            backend.wait(backend.runtime.pull_image(backend.unknown_image))
        assert e.value.code == "NotFound"
        assert backend.runtime.image_status(backend.unknown_image) is None

    def test_remove_image(self, backend: Backend) -> None:
        rt = backend.runtime
        backend.wait(rt.pull_image(backend.known_image))
        backend.wait(rt.remove_image(backend.known_image))
        assert rt.image_status(backend.known_image) is None
        backend.wait(rt.remove_image("never-pulled:1"))  # unknown images remove fine

    def test_sandbox_gets_an_ip_from_the_pod_cidr(self, backend: Backend) -> None:
        sid, _cfg = self._sandbox(backend)
        st = backend.runtime.pod_sandbox_status(sid)
        assert st.state == SANDBOX_READY
        assert ipaddress.ip_address(st.ip) in ipaddress.ip_network(backend.pod_cidr)

    def test_run_sandbox_is_idempotent_per_pod_attempt(self, backend: Backend) -> None:
        sid, cfg = self._sandbox(backend)
        assert backend.wait(backend.runtime.run_pod_sandbox(cfg)) == sid

    def test_list_sandboxes_filters_by_label(self, backend: Backend) -> None:
        a, _ = self._sandbox(backend, "uid-a")
        b, _ = self._sandbox(backend, "uid-b")
        rt = backend.runtime
        assert [s.id for s in rt.list_pod_sandboxes({"io.kubernetes.pod.uid": "uid-b"})] == [b]
        assert sorted(s.id for s in rt.list_pod_sandboxes()) == sorted([a, b])

    def test_unknown_sandbox_status_is_not_found(self, backend: Backend) -> None:
        with pytest.raises(CriError) as e:
            backend.runtime.pod_sandbox_status("nope")
        assert e.value.code == "NotFound"

    def test_create_needs_a_pulled_image(self, backend: Backend) -> None:
        sid, cfg = self._sandbox(backend)
        with pytest.raises(CriError):
            backend.wait(
                backend.runtime.create_container(
                    sid, ContainerConfig(name="c", image=backend.known_image), cfg
                )
            )

    def test_container_lifecycle(self, backend: Backend) -> None:
        rt = backend.runtime
        sid, cfg = self._sandbox(backend)
        cid = self._container(backend, sid, cfg)
        assert rt.container_status(cid).state == CONTAINER_CREATED
        backend.wait(rt.start_container(cid))
        st = rt.container_status(cid)
        assert st.state == CONTAINER_RUNNING and st.started_at >= st.created_at
        backend.wait(rt.stop_container(cid, 10))
        st = rt.container_status(cid)
        assert st.state == CONTAINER_EXITED and st.finished_at >= st.started_at
        backend.wait(rt.remove_container(cid))
        with pytest.raises(CriError) as e:
            rt.container_status(cid)
        assert e.value.code == "NotFound"

    def test_duplicate_container_name_and_attempt_is_refused(self, backend: Backend) -> None:
        sid, cfg = self._sandbox(backend)
        self._container(backend, sid, cfg)
        with pytest.raises(CriError) as e:
            self._container(backend, sid, cfg)
        assert e.value.code == "AlreadyExists"

    def test_stop_and_remove_are_idempotent(self, backend: Backend) -> None:
        rt = backend.runtime
        sid, cfg = self._sandbox(backend)
        cid = self._container(backend, sid, cfg)
        backend.wait(rt.start_container(cid))
        backend.wait(rt.stop_container(cid, 5))
        backend.wait(rt.stop_container(cid, 5))
        backend.wait(rt.remove_container(cid))
        backend.wait(rt.remove_container(cid))
        backend.wait(rt.remove_pod_sandbox("unknown"))

    def test_list_containers_by_sandbox_and_label(self, backend: Backend) -> None:
        rt = backend.runtime
        sid, cfg = self._sandbox(backend)
        a = self._container(backend, sid, cfg, "a")
        b = self._container(backend, sid, cfg, "b")
        assert sorted(c.id for c in rt.list_containers(sandbox_id=sid)) == sorted([a, b])
        assert [c.id for c in rt.list_containers({"io.kubernetes.container.name": "b"})] == [b]

    def test_exec_sync_runs_only_in_running_containers(self, backend: Backend) -> None:
        rt = backend.runtime
        sid, cfg = self._sandbox(backend)
        cid = self._container(backend, sid, cfg)
        with pytest.raises(CriError):
            backend.wait(rt.exec_sync(cid, ("true",), 1))
        backend.wait(rt.start_container(cid))
        assert backend.wait(rt.exec_sync(cid, ("true",), 1)).exit_code == 0

    def test_stop_sandbox_stops_its_containers(self, backend: Backend) -> None:
        rt = backend.runtime
        sid, cfg = self._sandbox(backend)
        cid = self._container(backend, sid, cfg)
        backend.wait(rt.start_container(cid))
        backend.wait(rt.stop_pod_sandbox(sid))
        assert rt.pod_sandbox_status(sid).state == SANDBOX_NOTREADY
        assert rt.container_status(cid).state == CONTAINER_EXITED
        backend.wait(rt.remove_pod_sandbox(sid))
        assert rt.list_containers(sandbox_id=sid) == []
        with pytest.raises(CriError):
            rt.pod_sandbox_status(sid)

    def test_container_events_stream_the_lifecycle(self, backend: Backend) -> None:
        rt = backend.runtime
        seen: list[tuple[str, str]] = []
        rt.get_container_events(lambda ev: seen.append((ev.container_id, ev.event_type)))
        sid, cfg = self._sandbox(backend)
        cid = self._container(backend, sid, cfg)
        backend.wait(rt.start_container(cid))
        backend.wait(rt.stop_container(cid, 5))
        backend.wait(rt.remove_container(cid))
        assert [t for c, t in seen if c == cid] == [
            CONTAINER_CREATED_EVENT,
            CONTAINER_STARTED_EVENT,
            CONTAINER_STOPPED_EVENT,
            CONTAINER_DELETED_EVENT,
        ]

    def test_probe_of_a_stopped_container_fails(self, backend: Backend) -> None:
        rt = backend.runtime
        sid, cfg = self._sandbox(backend)
        cid = self._container(backend, sid, cfg)
        probe = {"tcpSocket": {"port": 80}}
        assert rt.probe(cid, "readiness", probe).result == "failure"
        backend.wait(rt.start_container(cid))
        backend.idle(1)
        assert rt.probe(cid, "liveness", probe).result == "success"

    def test_stats_cover_running_containers(self, backend: Backend) -> None:
        rt = backend.runtime
        sid, cfg = self._sandbox(backend)
        cid = self._container(backend, sid, cfg)
        backend.wait(rt.start_container(cid))
        backend.idle(2)
        stats = {s.id: s for s in rt.list_container_stats()}
        assert (
            stats[cid].memory_working_set_bytes > 0 and stats[cid].cpu_usage_core_nano_seconds > 0
        )

    def test_container_log_is_in_the_cri_log_format_and_outlives_removal(
        self, backend: Backend
    ) -> None:
        """ContainerLog (a CRI-like addition: the kubelet reads ContainerStatus.logPath on a real
        node): `<RFC3339Nano> <stdout|stderr> F <text>` lines, oldest first; the last removed
        instance of a container stays readable while its sandbox exists; unknown ids NotFound."""
        rt = backend.runtime
        sid, cfg = self._sandbox(backend)
        cid = self._container(backend, sid, cfg)
        backend.wait(rt.start_container(cid))
        backend.idle(1)
        backend.wait(rt.stop_container(cid, 5))
        backend.wait(rt.remove_container(cid))
        lines = rt.container_log(cid)
        assert lines
        for line in lines:
            ts, stream, tag, _text = line.split(" ", 3)
            assert ts.startswith("20") and ts.endswith("Z")
            assert stream in ("stdout", "stderr") and tag in ("F", "P")
        assert [line.split(" ", 1)[0] for line in lines] == sorted(
            line.split(" ", 1)[0] for line in lines
        )
        backend.wait(rt.remove_pod_sandbox(sid))
        with pytest.raises(CriError) as e:
            rt.container_log(cid)
        assert e.value.code == "NotFound"
