"""The HTTP client (the client protocol over HTTP) and the simulation driver."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest

import sim.http.clientwatch as http_clientwatch
from sim.api.errors import ApiError
from sim.client.informer import SharedInformerFactory
from sim.core import Clock
from sim.http import HttpClient, SimDriver
from tests.conftest import deployment, pod
from tests.http.conftest import Served


class Remote:
    """A control-loop process's side: its own clock, paced in real time, and an HttpClient."""

    def __init__(self, url: str, speed: float = 1.0):
        self.clock = Clock()
        self.driver = SimDriver(self.clock, realtime=True, speed=speed)
        self.driver.start_thread("remote-sim")
        self.client = HttpClient(url, self.driver, user="remote-loop")

    def run(self, gen_fn: Callable[[], Generator[Any, Any, Any]], timeout_s: float = 10) -> Any:
        """Run a SimPy process on the remote clock and return its value (or raise its error)."""
        done = threading.Event()
        box: dict[str, Any] = {}

        def start() -> None:
            proc = self.clock.process(gen_fn())

            def finished(ev: Any) -> None:
                box["ok"], box["value"] = ev.ok, ev.value
                ev.defused = True
                done.set()

            proc.callbacks.append(finished)

        self.driver.post(start)
        assert done.wait(timeout_s), "the remote process did not finish in time"
        if not box["ok"]:
            raise box["value"]
        return box["value"]

    def close(self) -> None:
        self.client.close()
        self.driver.stop()
        self.driver.join(5)


@pytest.fixture
def remote(served: Served) -> Iterator[Remote]:
    r = Remote(served.url)
    try:
        yield r
    finally:
        r.close()


def test_every_verb_answers_as_the_in_process_front_does(served: Served, remote: Remote) -> None:
    c = remote.client

    def loop() -> Generator[Any, Any, Any]:
        created = yield c.create("pods", pod("p1"))
        got = yield c.get("pods", "p1")
        listed = yield c.list("pods", label_selector="app=web")
        patched = yield c.patch("pods", "p1", {"metadata": {"labels": {"x": "1"}}})
        yield c.bind("p1", {"target": {"kind": "Node", "name": "node-2"}})
        bound = yield c.get("pods", "p1")
        status = dict(bound["status"], phase="Running")
        updated = yield c.update_status("pods", {**bound, "status": status})
        yield c.create("deployments", deployment("web", replicas=2))
        scale = yield c.update_scale("deployments", "web", 5)
        try:
            yield c.get("pods", "missing")
        except ApiError as e:
            missing = e.code, e.reason
        yield c.evict("p1", grace_period_seconds=0)
        after = yield c.list("pods")
        return created, got, listed, patched, bound, updated, scale, missing, after

    created, got, listed, patched, bound, updated, scale, missing, after = remote.run(loop)
    assert got["metadata"]["uid"] == created["metadata"]["uid"]
    assert [p["metadata"]["name"] for p in listed["items"]] == ["p1"]
    assert patched["metadata"]["labels"] == {"app": "web", "x": "1"}
    assert bound["spec"]["nodeName"] == "node-2"
    assert updated["status"]["phase"] == "Running"
    assert scale["spec"]["replicas"] == 5
    assert missing == (404, "NotFound")
    assert after["items"] == []
    with pytest.raises(TypeError):
        got["metadata"]["name"] = "x"  # answers are frozen, as the in-process front's are


def test_an_informer_over_http_syncs_and_follows_changes(served: Served, remote: Remote) -> None:
    api = served.cluster.api
    served.sim(lambda: api.create("pods", pod("a")))
    factory = SharedInformerFactory(remote.client, remote.clock)
    seen: list[tuple[str, str]] = []

    def start() -> Any:
        inf = factory.informer_for("pods")
        inf.add_event_handler(
            on_add=lambda o: seen.append(("add", o["metadata"]["name"])),
            on_delete=lambda o: seen.append(("delete", o["metadata"]["name"])),
        )
        inf.start()
        return inf

    inf = remote.driver.call(start).result(5)
    wait_for(lambda: inf.has_synced)
    served.sim(lambda: api.create("pods", pod("b")))
    served.sim(lambda: api.delete("pods", "a", namespace="default"))
    wait_for(lambda: len(seen) == 3)
    assert seen == [("add", "a"), ("add", "b"), ("delete", "a")]
    assert remote.driver.call(lambda: sorted(inf.indexer.keys())).result(5) == ["default/b"]
    remote.driver.call(inf.stop).result(5)


def test_a_watch_reconnects_from_its_last_resource_version(
    served: Served, remote: Remote, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        http_clientwatch, "WATCH_TIMEOUT_S", 1
    )  # the server ends each watch after 1 s
    api = served.cluster.api
    stream = remote.run(lambda: (yield remote.client.watch("pods")))  # noqa: B901
    names: list[tuple[str, str]] = []

    def drain() -> Generator[Any, Any, Any]:
        while len(names) < 3:
            batch = yield stream.next()
            names.extend((ev.type, ev.object["metadata"]["name"]) for ev in batch)

    served.sim(lambda: api.create("pods", pod("a")))
    time.sleep(1.5)  # the first connection has ended; the stream reconnected
    served.sim(lambda: api.create("pods", pod("b")))
    time.sleep(1.2)
    served.sim(lambda: api.delete("pods", "a", namespace="default"))
    remote.run(drain)
    assert names == [("ADDED", "a"), ("ADDED", "b"), ("DELETED", "a")]
    assert stream.reconnects >= 2
    remote.driver.call(stream.stop).result(5)


def test_a_watch_from_a_compacted_resource_version_fails_with_410(
    served: Served, remote: Remote
) -> None:
    store = served.cluster.store
    old = str(store.revision)
    for name in ("a", "b"):
        served.sim(lambda name=name: served.cluster.api.create("pods", pod(name)))
    served.sim(lambda: store.compact(store.revision))  # revision old+1 is gone

    def loop() -> Generator[Any, Any, Any]:
        stream = yield remote.client.watch("pods", resource_version=old)
        try:
            yield stream.next()
        except ApiError as e:
            return e.code, e.reason

    assert remote.run(loop) == (410, "Expired")


def test_realtime_pacing_maps_wall_time_to_simulated_time() -> None:
    clock = Clock()
    driver = SimDriver(clock, realtime=True, speed=20)
    driver.start_thread()
    try:
        clock_at = driver.call(lambda: clock.timeout(1000)).result(2)  # something far ahead
        assert clock_at is not None
        time.sleep(0.5)
        now = driver.call(lambda: clock.now).result(2)
    finally:
        driver.stop()
        driver.join(5)
    assert 8 <= now <= 14  # 0.5 s of wall time at 20x, answered at the instant it is processed


def test_virtual_pacing_moves_time_only_when_asked(served: Served) -> None:
    t0 = served.sim(lambda: served.cluster.clock.now)
    served.advance(30)
    assert served.sim(lambda: served.cluster.clock.now) == t0 + 30


def test_a_client_that_never_reads_does_not_block_the_simulation(tmp_path: Any) -> None:
    from tests.http.conftest import start_served, stop_served

    s = start_served(tmp_path, watch_buffer_events=20)
    hub = s.sim(lambda: s.cluster.api._hub(s.cluster.api.kind("pods")))
    watches_before = s.sim(lambda: len(hub))  # the kubelets' own pod watches
    sock = socket.create_connection(("127.0.0.1", s.server.port))
    try:
        sock.sendall(b"GET /api/v1/pods?watch=true HTTP/1.1\r\nHost: x\r\n\r\n")
        wait_for(lambda: s.server.open_watches == 1)
        assert s.sim(lambda: len(hub)) == watches_before + 1
        big = {"pad": "x" * 50_000}  # 200 pods of 50 kB: far more than the socket buffers
        start = time.monotonic()
        for i in range(200):
            p = pod(f"p{i}")
            p["metadata"]["annotations"] = big
            s.sim(lambda p=p: s.cluster.api.create("pods", p))
        assert time.monotonic() - start < 10
        assert len(s.cluster.api.list("pods")["items"]) == 200
        # the slow watcher was cut off, as upstream's cacher does
        wait_for(lambda: len(hub) == watches_before)
    finally:
        sock.close()
        stop_served(s)


def wait_for(cond: Callable[[], bool], timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)
