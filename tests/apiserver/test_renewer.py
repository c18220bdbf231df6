"""The renewer port (sim/apiserver/renewer.py, `LeaseRenewer` in sim/client/interface.py): what a
component sees of standing renewals, by resource and name, and which watches get renewals."""

from __future__ import annotations

from typing import Any

import pytest

from sim import Cluster

LEASES = "kube-node-lease"


def lease(name: str, renew_time: str) -> dict[str, Any]:
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": name, "namespace": LEASES},
        "spec": {"holderIdentity": name, "leaseDurationSeconds": 40, "renewTime": renew_time},
    }


def started(period_s: float = 10.0) -> tuple[Cluster, Any]:
    c = Cluster(seed=1, controller_manager=False, scheduler=False)
    c.api.create("leases", lease("n-1", c.clock.micro_timestamp()), namespace=LEASES, user="n-1")
    renewer = c.client("n-1").renewer
    assert renewer is not None and renewer.enabled
    renewer.start("leases", "n-1", namespace=LEASES, user="n-1", period_s=period_s)
    return c, renewer


def test_a_standing_renewal_is_read_by_name_without_a_write() -> None:
    c, renewer = started()
    revision = c.store.revision
    c.run(25)
    renewal = renewer.renewal("leases", "n-1", namespace=LEASES)
    assert renewal is not None and renewal.period_s == 10.0 and renewal.start_s == 0.0
    assert renewal.latest_s(c.now) == 20.0
    assert renewer.current("leases", "n-1", namespace=LEASES) == c.clock.micro_timestamp(20.0)
    assert renewer.current("leases", "n-2", namespace=LEASES) is None
    assert c.store.revision == revision  # nobody looked: nothing written


def test_stopping_writes_the_last_renewal_and_last_renewed_reads_it() -> None:
    c, renewer = started()
    seen: list[str] = []
    renewer.add_listener(seen.append)
    c.run(35)
    renewer.stop("leases", "n-1", namespace=LEASES)
    assert seen == ["n-1"]
    assert renewer.renewal("leases", "n-1", namespace=LEASES) is None
    last = renewer.last_renewed("leases", "n-1", namespace=LEASES)
    assert last["spec"]["renewTime"] == c.clock.micro_timestamp(30.0)
    assert renewer.last_renewed("leases", "n-2", namespace=LEASES) is None


def test_only_leases_and_nodes_have_standing_renewals() -> None:
    c, renewer = started()
    with pytest.raises(ValueError, match="Pod"):
        renewer.start("pods", "p", namespace="default", user="u", period_s=1.0)


@pytest.mark.parametrize(
    ("through", "renewals_seen"),
    [("server", 3), ("client", 0)],
    ids=["a-server-watch-sees-every-renewal", "a-client-watch-tolerates-renewals"],
)
def test_which_watches_get_an_event_per_renewal(through: str, renewals_seen: int) -> None:
    c, _renewer = started()
    events: list[Any] = []
    if through == "server":
        c.api.watch("leases", events.append, namespace=LEASES)
    else:
        client = c.client("watcher")

        def watch() -> Any:
            stream = yield client.watch("leases", namespace=LEASES)
            while True:
                events.extend((yield stream.next()))

        c.clock.process(watch())
    c.run(35)
    assert len(events) == 1 + renewals_seen  # the ADDED state, then one event per renewal


def test_an_http_client_has_no_renewer() -> None:
    from sim.core import Clock
    from sim.core.driver import SimDriver
    from sim.http.client import HttpClient

    client = HttpClient("http://127.0.0.1:9", SimDriver(Clock()))
    try:
        assert client.renewer is None
    finally:
        client.close()


def test_a_namespaced_renewal_without_a_namespace_is_in_default_as_the_server_puts_it() -> None:
    c = Cluster(seed=1, controller_manager=False, scheduler=False)
    body = lease("n-1", c.clock.micro_timestamp())
    del body["metadata"]["namespace"]
    c.api.create("leases", body, user="n-1")  # the server puts it in "default"
    renewer = c.client("n-1").renewer
    assert renewer is not None
    renewer.start("leases", "n-1", user="n-1", period_s=10.0)
    c.run(25)
    assert renewer.current("leases", "n-1") == c.clock.micro_timestamp(20.0)
    assert renewer.current("leases", "n-1", namespace="default") == c.clock.micro_timestamp(20.0)
