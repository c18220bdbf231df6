"""sim.core: the clock on virtual and real time, named random streams, the trace recorder."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import time

import pytest

from sim.core import Clock, RandomStreams, TraceRecorder, canonical_line, stream_seed


class TestClock:
    def test_virtual_time_runs_as_fast_as_events(self) -> None:
        clock = Clock()
        fired: list[float] = []

        def loop():
            while True:
                yield clock.timeout(3600)
                fired.append(clock.now)

        clock.process(loop())
        t0 = time.perf_counter()
        clock.run(until=24 * 3600)
        assert fired == [3600.0 * i for i in range(1, 24)]
        assert time.perf_counter() - t0 < 1.0

    def test_real_time_follows_the_speed_factor(self) -> None:
        clock = Clock(realtime=True, speed=50.0)  # 50 simulated seconds per wall second
        t0 = time.perf_counter()
        clock.run(until=5.0)
        wall = time.perf_counter() - t0
        assert clock.now == 5.0
        assert 0.08 <= wall < 1.0  # 5 / 50 = 0.1 s

    def test_timestamps_render_from_the_epoch(self) -> None:
        clock = Clock(epoch="2024-02-29T23:59:00Z")
        assert clock.timestamp(61.9) == "2024-03-01T00:00:01Z"
        assert clock.micro_timestamp(1.25) == "2024-02-29T23:59:01.250000Z"
        assert clock.seconds_of("2024-03-01T00:00:00Z") == 60.0

    def test_running_backwards_is_refused(self) -> None:
        clock = Clock()
        clock.run(until=10)
        with pytest.raises(ValueError):
            clock.run(until=5)

    def test_call_later_needs_no_process(self) -> None:
        clock = Clock()
        seen: list[float] = []
        clock.call_later(2.5, lambda: seen.append(clock.now))
        clock.run(until=10)
        assert seen == [2.5]


class TestRandomStreams:
    def test_same_seed_and_name_give_the_same_draws(self) -> None:
        a, b = RandomStreams(7).stream("x"), RandomStreams(7).stream("x")
        assert [a.random() for _ in range(5)] == [b.random() for _ in range(5)]
        assert a.uuid() == b.uuid() and a.string(5) == b.string(5)

    def test_a_new_consumer_never_perturbs_another(self) -> None:
        lone = RandomStreams(7)
        busy = RandomStreams(7)
        busy.stream("newcomer").random()
        busy.stream("newcomer").uuid()
        assert [lone.stream("x").random() for _ in range(3)] == [
            busy.stream("x").random() for _ in range(3)
        ]

    def test_different_seeds_or_names_differ(self) -> None:
        assert RandomStreams(1).stream("x").uuid() != RandomStreams(2).stream("x").uuid()
        assert RandomStreams(1).stream("x").uuid() != RandomStreams(1).stream("y").uuid()

    def test_seed_derivation_is_independent_of_pythonhashseed(self) -> None:
        code = "from sim.core import RandomStreams as R; print(R(3).stream('a').uuid())"
        outs = {
            subprocess.run(
                [sys.executable, "-c", code],
                capture_output=True,
                text=True,
                check=True,
                env={"PYTHONHASHSEED": h, "PATH": ""},
            ).stdout
            for h in ("0", "1", "2")
        }
        assert len(outs) == 1
        assert stream_seed(3, "a") == int.from_bytes(hashlib.sha256(b"3/a").digest()[:16], "big")

    def test_uuid_is_version_4_and_names_use_the_upstream_alphabet(self) -> None:
        s = RandomStreams(0).stream("ids")
        u = s.uuid()
        assert u[14] == "4" and u[19] in "89ab" and len(u) == 36
        assert set(s.string(200)) <= set("bcdfghjklmnpqrstvwxz2456789")

    def test_jitter_stays_within_its_factor(self) -> None:
        s = RandomStreams(0).stream("j")
        values = [s.jitter(10.0, 0.5) for _ in range(100)]
        assert all(10.0 <= v <= 15.0 for v in values) and len(set(values)) > 90


class TestTrace:
    def test_digest_is_the_sha256_of_the_jsonl_file(self) -> None:
        now = [0.0]
        sink = io.BytesIO()
        tr = TraceRecorder(lambda: now[0], sink=sink)
        tr.record("kubectl", "create", "pods/default/a", "5", "uid=x")
        now[0] = 1.5
        tr.record("scheduler", "bind", "pods/default/a", "6", "node=n1")
        assert hashlib.sha256(sink.getvalue()).hexdigest() == tr.digest()
        out = io.BytesIO()
        tr.write_jsonl(out)
        assert out.getvalue() == sink.getvalue()
        assert sink.getvalue().splitlines()[0] == (
            b'{"component":"kubectl","detail":"uid=x","ref":"pods/default/a",'
            b'"resourceVersion":"5","time":0.0,"verb":"create"}'
        )

    def test_keep_false_still_digests(self) -> None:
        a = TraceRecorder(lambda: 0.0, keep=True)
        b = TraceRecorder(lambda: 0.0, keep=False)
        for tr in (a, b):
            tr.record("c", "v", "r")
        assert a.digest() == b.digest() and len(b) == 1 and b.records == []
        assert canonical_line(a.records[0]).endswith(b"\n")
