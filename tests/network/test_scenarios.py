"""The network scenarios with the real kubelet and simulated hosts."""

from __future__ import annotations

from pathlib import Path

from sim import Cluster

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_rolling_update_traffic_probes_keep_availability_no_probes_lose_requests(
    tmp_path: Path,
) -> None:
    c = Cluster.from_scenario(SCENARIOS / "rolling-update-traffic.yaml")
    net = c.network
    c.run()
    report = net.report()
    with_probes, no_probes = report["default/with-probes"], report["default/no-probes"]
    assert with_probes["requests"] > 10_000 and with_probes["availability"] == 1.0
    assert no_probes["availability"] < 0.99
    assert no_probes["failures"].get("connection refused", 0) > 100  # the app was not listening yet
    assert not c.timeline_errors
    png = tmp_path / "rollout.png"
    net.traffic.plot(str(png), window_s=5)
    assert png.stat().st_size > 10_000
