"""`kubectl logs` against a served cluster: lines from the simulated behaviour model.

The served cluster runs on a virtual clock (tests/http/conftest.py), so the log of a container
is exact: its declared lines (`kubesim.io/behavior` annotation `logs`) and the simulated host's
lifecycle lines, at simulated timestamps.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.http.conftest import Served, needs_kubectl

pytestmark = needs_kubectl

BEHAVIOR = {
    "runFor": "30s",
    "exitCode": 1,
    "logs": ["hello from talker", {"line": "tick {n}", "after": "10s", "every": "10s"}],
}


def talker_yaml(name: str = "talker") -> str:
    return f"""apiVersion: v1
kind: Pod
metadata:
  name: {name}
  annotations:
    kubesim.io/behavior: '{json.dumps(BEHAVIOR)}'
spec:
  containers:
  - name: talker
    image: busybox:1.36
"""


@pytest.fixture
def talker(served: Served) -> Served:
    served.kubectl("apply", "-f", "-", stdin=talker_yaml())
    return served


def test_logs_of_an_unscheduled_pod_are_empty(talker: Served) -> None:
    assert talker.kubectl("logs", "talker").stdout == ""


def test_logs_show_declared_and_lifecycle_lines(talker: Served) -> None:
    talker.advance(25)
    assert talker.kubectl("logs", "talker").stdout.splitlines() == [
        "[kubesim] started container talker (image busybox:1.36)",
        "hello from talker",
        "tick 1",
        "tick 2",
    ]
    assert talker.kubectl("logs", "talker", "-c", "talker", "--tail=1").stdout == "tick 2\n"


def test_timestamps_are_simulated_rfc3339nano(talker: Served) -> None:
    talker.advance(25)
    lines = talker.kubectl("logs", "talker", "--timestamps").stdout.splitlines()
    stamps = [line.split(" ", 1)[0] for line in lines]
    assert all(re.fullmatch(r"2025-01-01T00:00:\d\d(\.\d+)?Z", s) for s in stamps), stamps
    started = talker.sim(lambda: talker.cluster.get("pods", "talker"))["status"][
        "containerStatuses"
    ][0]["state"]["running"]["startedAt"]
    assert stamps[0].split(".")[0] == started.rstrip("Z")
    assert [line.split(" ", 1)[1] for line in lines][1] == "hello from talker"
    since = talker.kubectl("logs", "talker", "--since=10s").stdout.splitlines()
    assert since == ["tick 2"]


def test_previous_shows_the_last_terminated_instance(talker: Served) -> None:
    talker.advance(25)
    err = talker.kubectl("logs", "talker", "--previous", check=False).stderr
    assert (
        'Error from server (BadRequest): previous terminated container "talker" in pod "talker" '
        "not found" in err
    )
    talker.advance(25)  # exits with code 1 at about 32 s, restarted at once
    previous = talker.kubectl("logs", "talker", "-p").stdout.splitlines()
    assert previous[-2:] == ["tick 3", "[kubesim] exited with code 1 (Error)"]
    current = talker.kubectl("logs", "talker").stdout.splitlines()
    assert current == [
        "[kubesim] started container talker (image busybox:1.36, restart 1)",
        "hello from talker",
        "tick 1",
    ]


def test_an_unknown_container_is_a_bad_request(talker: Served) -> None:
    err = talker.kubectl("logs", "talker", "-c", "nope", check=False).stderr
    assert "container nope is not valid for pod talker" in err
