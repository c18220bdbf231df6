"""The simulated host: the CRI contract suite, and what only the simulated host models."""

from __future__ import annotations

import pytest

from runtime_adapters.cri import CONTAINER_EXITED, CONTAINER_RUNNING, ContainerConfig
from runtime_adapters.simulated import (
    BehaviorError,
    ImageCatalog,
    SimulatedHost,
    parse_behavior,
    parse_duration_s,
)
from sim.core import Clock, RandomStreams
from sim.core.durations import parse_duration
from tests.runtime_adapters.contract import Backend, RuntimeContract, sandbox_config

MI = 1024 * 1024


def make_host(behavior: dict | None = None, images: list | None = None, seed: int = 0) -> Backend:
    clock = Clock()
    streams = RandomStreams(seed)
    catalog = ImageCatalog.parse(images or [{"name": "nginx:*", "size": "100Mi"}])
    host = SimulatedHost(
        clock, "n-1", catalog, ids=streams.stream("ids"), jitter=streams.stream("jitter"),
        node_ip="172.18.0.2", default_behavior=parse_behavior(behavior or {}, "b"),
        pull_bandwidth_bps=50 * MI,
    )  # fmt: skip
    return Backend(host, clock, "nginx:1.27", "redis:7")


class TestSimulatedHostContract(RuntimeContract):
    @pytest.fixture
    def backend(self) -> Backend:
        return make_host()


def _running(b: Backend, annotations: dict | None = None, limit_bytes: int = 0) -> str:
    rt = b.runtime
    rt.update_runtime_config(b.pod_cidr)
    cfg = sandbox_config()
    if annotations:
        cfg = cfg.__class__(**{**cfg.__dict__, "annotations": annotations})
    sid = b.wait(rt.run_pod_sandbox(cfg))
    b.wait(rt.pull_image(b.known_image))
    cid = b.wait(
        rt.create_container(
            sid, ContainerConfig(name="c", image=b.known_image, memory_limit_bytes=limit_bytes), cfg
        )
    )
    b.wait(rt.start_container(cid))
    return cid


def test_pull_takes_size_over_bandwidth() -> None:
    b = make_host()
    start = b.clock.now
    b.wait(b.runtime.pull_image("nginx:1.27"))
    assert b.clock.now - start == pytest.approx(0.1 + 100 / 50, abs=0.5)


@pytest.mark.parametrize(
    ("behavior", "code", "reason", "at_s"),
    [
        pytest.param({"runFor": "5s"}, 0, "Completed", 5, id="run-for-then-exit-0"),
        pytest.param({"runFor": "5s", "exitCode": 3}, 3, "Error", 5, id="run-for-then-exit-3"),
        pytest.param(
            {"memory": "50Mi", "memoryGrowthPerSecond": "10Mi"},
            137,
            "OOMKilled",
            5,
            id="leak-to-oom",
        ),
        pytest.param(
            {"memory": [{"after": "0s", "value": "10Mi"}, {"after": "7s", "value": "200Mi"}]},
            137,
            "OOMKilled",
            7,
            id="step-to-oom",
        ),
    ],
)
def test_containers_exit_as_their_behaviour_says(
    behavior: dict, code: int, reason: str, at_s: float
) -> None:
    b = make_host({"startDelay": 0, **behavior})
    cid = _running(b, limit_bytes=100 * MI)
    started = b.runtime.container_status(cid).started_at
    b.idle(30)
    st = b.runtime.container_status(cid)
    assert (st.state, st.exit_code, st.reason) == (CONTAINER_EXITED, code, reason)
    assert st.finished_at - started == pytest.approx(at_s, abs=0.01)


def test_annotation_overrides_image_behaviour() -> None:
    b = make_host(
        {"startDelay": 0},
        images=[{"name": "nginx:*", "size": "1Mi", "behavior": {"runFor": "100s"}}],
    )
    cid = _running(b, annotations={"kubesim.io/behavior.c": '{"runFor": "2s", "exitCode": 9}'})
    b.idle(5)
    assert b.runtime.container_status(cid).exit_code == 9


@pytest.mark.parametrize(
    ("stop_delay", "timeout", "code", "took"),
    [
        pytest.param("1s", 10, 0, 1, id="exits-on-sigterm"),
        pytest.param("never", 4, 137, 4, id="sigkill-after-timeout"),
    ],
)
def test_stop_honours_sigterm_then_kills(
    stop_delay: str, timeout: float, code: int, took: float
) -> None:
    b = make_host({"startDelay": 0, "stopDelay": stop_delay})
    cid = _running(b)
    t0 = b.clock.now
    b.wait(b.runtime.stop_container(cid, timeout))
    assert b.clock.now - t0 == pytest.approx(took)
    assert b.runtime.container_status(cid).exit_code == code


def test_probe_answers_follow_the_timeline() -> None:
    b = make_host(
        {
            "startDelay": 0,
            "readyAfter": "5s",
            "livenessFailsAfter": "20s",
            "probes": [{"after": "30s", "readiness": False}],
        }
    )
    cid = _running(b)
    probe = {"httpGet": {"path": "/", "port": 80}}
    answers = []
    for _ in range(8):
        answers.append(
            (
                b.runtime.probe(cid, "readiness", probe).result,
                b.runtime.probe(cid, "liveness", probe).result,
            )
        )
        b.idle(5)
    r, s, f = "success", "success", "failure"
    assert answers[:2] == [("failure", s), (r, s)]
    assert answers[4] == (r, f) and answers[6] == (f, f)


def test_jitter_is_seeded() -> None:
    def exit_times(seed: int) -> float:
        b = make_host({"startDelay": 0, "runFor": "10s", "jitter": 0.5}, seed=seed)
        cid = _running(b)
        b.idle(20)
        return b.runtime.container_status(cid).finished_at

    assert exit_times(1) == exit_times(1) != exit_times(2)


def test_power_off_loses_containers_keeps_images() -> None:
    b = make_host({"startDelay": 0})
    cid = _running(b)
    assert b.runtime.container_status(cid).state == CONTAINER_RUNNING
    b.runtime.power_off()
    b.runtime.power_on()
    assert b.runtime.list_containers() == [] and b.runtime.list_pod_sandboxes() == []
    assert b.runtime.image_status("nginx:1.27") is not None


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        pytest.param({"runFor": "soon"}, "b.runFor", id="bad-duration"),
        pytest.param({"exitCode": 300}, "b.exitCode", id="exit-code-range"),
        pytest.param({"bogus": 1}, "b.bogus", id="unknown-field"),
        pytest.param({"memory": "lots"}, "b.memory", id="bad-quantity"),
        pytest.param(
            {"probes": [{"after": "1s", "readiness": "yes"}]},
            "b.probes[0].readiness",
            id="probe-answer-not-bool",
        ),
    ],
)
def test_bad_behaviour_names_the_field(raw: dict, path: str) -> None:
    with pytest.raises(BehaviorError) as e:
        parse_behavior(raw, "b")
    assert e.value.path == path


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("soon", "expected a duration such as 30s or 5m, got 'soon'", id="bad-string"),
        pytest.param("", "expected a duration such as 30s or 5m", id="empty-string"),
        pytest.param(-1, "a duration may not be negative", id="negative-number"),
        pytest.param(True, "expected a duration such as 30s or 5m", id="bool"),
        pytest.param([1], "expected a duration such as 30s or 5m", id="not-a-duration-type"),
    ],
)
def test_bad_duration_messages(raw: object, message: str) -> None:
    """Durations parse with sim.core.durations; the messages stay the behaviour module's."""
    with pytest.raises(BehaviorError) as e:
        parse_duration_s(raw, "b.runFor")
    assert (e.value.path, e.value.message) == ("b.runFor", message)


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [("1h30m", 5400.0), ("500ms", 0.5), (" 10s ", 10.0), (2.5, 2.5), ("0", 0.0)],
)
def test_durations_parse_as_the_core_does(raw: object, seconds: float) -> None:
    assert parse_duration_s(raw, "b") == parse_duration(raw) == seconds


def _log_texts(b: Backend, cid: str) -> list[str]:
    return [line.split(" ", 3)[3] for line in b.runtime.container_log(cid)]


def test_the_log_has_declared_lines_and_lifecycle_lines_in_order() -> None:
    b = make_host(
        {
            "runFor": "3.5s",
            "exitCode": 2,
            "logs": [
                "listening on :80",
                {"line": "tick {n}", "after": "1s", "every": "1s"},
                {"line": "warming up", "after": "500ms", "stream": "stderr"},
            ],
        }
    )
    cid = _running(b)
    b.idle(10)
    assert _log_texts(b, cid) == [
        "[kubesim] started container c (image nginx:1.27)",
        "listening on :80",
        "warming up",
        "tick 1",
        "tick 2",
        "tick 3",
        "[kubesim] exited with code 2 (Error)",
    ]
    lines = b.runtime.container_log(cid)
    assert lines[2].split(" ")[1] == "stderr" and lines[-1].split(" ")[1] == "stderr"
    started = b.runtime.container_status(cid).started_at
    assert lines[0].split(" ")[0] == b.clock.micro_timestamp(started)[:-1].rstrip("0") + "Z"


def test_the_log_records_probe_changes_and_sigterm() -> None:
    b = make_host({"readyAfter": "2s", "livenessFailsAfter": "4s"})
    cid = _running(b)
    rt = b.runtime
    probe = {"httpGet": {"port": 80}}
    for _ in range(6):
        rt.probe(cid, "readiness", probe)
        rt.probe(cid, "liveness", probe)
        b.idle(1)
    b.wait(rt.stop_container(cid, 30))
    assert _log_texts(b, cid)[1:] == [
        "[kubesim] readiness probe failed: HTTP probe failed with statuscode: 503",
        "[kubesim] readiness probe succeeded",
        "[kubesim] liveness probe failed: HTTP probe failed with statuscode: 503",
        "[kubesim] received SIGTERM",
        "[kubesim] exited with code 0 (Completed)",
    ]


def test_periodic_log_lines_are_bounded() -> None:
    from runtime_adapters.simulated.logs import MAX_LOG_LINES

    b = make_host({"logs": [{"line": "n={n}", "every": "10ms"}]})
    cid = _running(b)
    b.idle(200)
    texts = _log_texts(b, cid)
    assert len(texts) == MAX_LOG_LINES
    assert texts[-1] == "n=20001"


@pytest.mark.parametrize(
    ("logs", "path"),
    [
        pytest.param("hello", "b.logs", id="not-a-list"),
        pytest.param([{"after": "1s"}], "b.logs[0]", id="entry-without-line"),
        pytest.param([{"line": "x", "stream": "stdin"}], "b.logs[0].stream", id="bad-stream"),
        pytest.param([{"line": "x", "every": "1ms"}], "b.logs[0].every", id="too-frequent"),
        pytest.param([{"line": "x", "colour": "red"}], "b.logs[0].colour", id="unknown-field"),
    ],
)
def test_bad_log_declarations_name_the_field(logs: object, path: str) -> None:
    with pytest.raises(BehaviorError) as e:
        parse_behavior({"logs": logs}, "b")
    assert e.value.path == path
