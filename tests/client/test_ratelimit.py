"""Rate limiters against the facts of client-go's `default_rate_limiters_test.go` and
`golang.org/x/time/rate`'s reservation semantics, on the simulated clock."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.client.ratelimit import (
    BucketRateLimiter,
    ItemExponentialFailureRateLimiter,
    ItemFastSlowRateLimiter,
    MaxOfRateLimiter,
    WithMaxWaitRateLimiter,
    default_controller_rate_limiter,
)
from sim.core.clock import Clock

MS = 0.001


def advance(clock: Clock, dt_s: float) -> None:
    target_s = clock.now + dt_s
    if target_s > clock.now:
        clock.run(until=target_s)


class _StepRateLimiter:
    """upstream's test-only StepRateLimiter: base delay for `threshold` calls, then max."""

    def __init__(self, base_delay_s: float, max_delay_s: float, threshold: int):
        self.base_delay_s, self.max_delay_s, self.threshold = base_delay_s, max_delay_s, threshold
        self.count = 0

    def when(self, item: object) -> float:
        self.count += 1
        return self.base_delay_s if self.count <= self.threshold else self.max_delay_s

    def forget(self, item: object) -> None:
        pass

    def num_requeues(self, item: object) -> int:
        return 0


# (name, limiter factory, script of (op, item, expected)) where op is when/requeues/forget.
PER_ITEM_CASES = [
    (
        "exponential doubles per failure, per item, and forget resets it",
        lambda: ItemExponentialFailureRateLimiter(1 * MS, 1.0),
        [
            ("when", "one", 1 * MS),
            ("when", "one", 2 * MS),
            ("when", "one", 4 * MS),
            ("when", "one", 8 * MS),
            ("when", "one", 16 * MS),
            ("requeues", "one", 5),
            ("when", "two", 1 * MS),
            ("when", "two", 2 * MS),
            ("requeues", "two", 2),
            ("forget", "one", None),
            ("requeues", "one", 0),
            ("when", "one", 1 * MS),
        ],
    ),
    (
        "exponential defaults are 5ms then 10ms, 20ms, 40ms",
        ItemExponentialFailureRateLimiter,
        [("when", "k", 5 * MS), ("when", "k", 10 * MS), ("when", "k", 20 * MS)]
        + [("when", "k", 40 * MS), ("requeues", "k", 4)],
    ),
    (
        "exponential is capped at max delay",
        lambda: ItemExponentialFailureRateLimiter(0.4, 1.0),
        [("when", "k", 0.4), ("when", "k", 0.8), ("when", "k", 1.0), ("when", "k", 1.0)],
    ),
    (
        "fast-slow gives 3 fast retries then slow ones",
        lambda: ItemFastSlowRateLimiter(5 * MS, 10.0, 3),
        [("when", "one", 5 * MS)] * 3
        + [("when", "one", 10.0)] * 2
        + [("requeues", "one", 5), ("when", "two", 5 * MS), ("when", "two", 5 * MS)]
        + [("requeues", "two", 2), ("forget", "one", None), ("requeues", "one", 0)]
        + [("when", "one", 5 * MS)],
    ),
    (
        "max-of takes the worst answer and the largest requeue count",
        lambda: MaxOfRateLimiter(
            ItemFastSlowRateLimiter(5 * MS, 3.0, 3),
            ItemExponentialFailureRateLimiter(1 * MS, 1.0),
        ),
        [("when", "one", 5 * MS)] * 3
        + [("when", "one", 3.0)] * 2
        + [("requeues", "one", 5), ("when", "two", 5 * MS), ("when", "two", 5 * MS)]
        + [("requeues", "two", 2), ("forget", "one", None), ("requeues", "one", 0)]
        + [("when", "one", 5 * MS)],
    ),
]


@pytest.mark.parametrize(
    "factory,script", [c[1:] for c in PER_ITEM_CASES], ids=[c[0] for c in PER_ITEM_CASES]
)
def test_per_item_limiters(factory, script):
    limiter = factory()
    for step, (op, item, expected) in enumerate(script):
        if op == "when":
            assert limiter.when(item) == pytest.approx(expected, rel=1e-12), step
        elif op == "requeues":
            assert limiter.num_requeues(item) == expected, step
        else:
            limiter.forget(item)


@pytest.mark.parametrize(
    "base_s,max_s,warmup,expected_s",
    [
        (1 * MS, 1000.0, 5, 32 * MS),
        (1 * MS, 1000.0, 1000, 1000.0),
        (60.0, 1000 * 3600.0, 2, 4 * 60.0),
        (60.0, 1000 * 3600.0, 1000, 1000 * 3600.0),
        (1 * MS, 1e300, 43, 2**43 * MS),
        (1 * MS, 1e300, 44, 1e300),
        (1 * MS, 1e300, 100_000, 1e300),
    ],
    ids=[
        "5 failures of 1ms give 32ms",
        "1000 failures of 1ms hit the 1000s cap without overflow",
        "2 failures of 1min give 4min",
        "1000 failures of 1min hit the 1000h cap without overflow",
        "2**43 ms is still inside the int64 nanosecond range",
        "2**44 ms is past the int64 nanosecond range: the answer is the cap, however large",
        "100000 failures neither overflow nor raise",
    ],
)
def test_exponential_never_overflows(base_s, max_s, warmup, expected_s):
    limiter = ItemExponentialFailureRateLimiter(base_s, max_s)
    for _ in range(warmup):
        limiter.when("k")
    assert limiter.when("k") == pytest.approx(expected_s, rel=1e-12)
    assert limiter.num_requeues("k") == warmup + 1


def test_max_of_asks_every_limiter_even_when_one_already_answered_worse():
    clock = Clock()
    bucket = BucketRateLimiter(qps=1, burst=1, clock=clock)
    limiter = MaxOfRateLimiter(ItemFastSlowRateLimiter(10.0, 10.0, 0), bucket)
    assert [limiter.when("a"), limiter.when("b")] == [10.0, 10.0]
    assert bucket.tokens() == pytest.approx(-1.0)  # both retries spent a token


def test_with_max_wait_caps_the_inner_answer():
    limiter = WithMaxWaitRateLimiter(_StepRateLimiter(5 * MS, 1000.0, 100), 500.0)
    assert [limiter.when(i) for i in range(100)] == [5 * MS] * 100
    assert [limiter.when(i) for i in range(100, 200)] == [500.0] * 100


def test_bucket_allows_a_burst_then_spaces_reservations_by_one_over_qps():
    clock = Clock()
    bucket = BucketRateLimiter(qps=10, burst=100, clock=clock)
    assert [bucket.when(i) for i in range(100)] == [0.0] * 100
    waits = [bucket.when(i) for i in range(5)]
    assert waits == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.5])
    assert bucket.num_requeues("x") == 0
    bucket.forget("x")  # shared bucket: nothing per item to forget
    assert bucket.when("x") == pytest.approx(0.6)


@pytest.mark.parametrize(
    "idle_s,expected_zero_waits",
    [(0.0, 0), (0.25, 2), (1.0, 10), (10.0, 100), (1000.0, 100)],
    ids=[
        "no idle time: no token",
        "a quarter second refills 2 whole tokens",
        "one second refills 10",
        "ten seconds refill the whole burst",
        "refill never exceeds the burst",
    ],
)
def test_bucket_refills_at_qps_up_to_burst(idle_s, expected_zero_waits):
    clock = Clock()
    bucket = BucketRateLimiter(qps=10, burst=100, clock=clock)
    for i in range(100):
        bucket.when(i)
    advance(clock, idle_s)
    waits = [bucket.when(i) for i in range(150)]
    assert sum(1 for w in waits if w == 0.0) == expected_zero_waits
    assert waits[expected_zero_waits] > 0


def test_bucket_debt_is_repaid_as_time_passes():
    clock = Clock()
    bucket = BucketRateLimiter(qps=10, burst=1, clock=clock)
    assert bucket.when("a") == 0.0
    assert bucket.when("a") == pytest.approx(0.1)
    assert bucket.when("a") == pytest.approx(0.2)
    advance(clock, 0.05)
    assert bucket.tokens() == pytest.approx(-1.5)
    assert bucket.when("a") == pytest.approx(0.25)


def test_infinite_qps_never_waits():
    bucket = BucketRateLimiter(qps=math.inf, burst=1, clock=Clock())
    assert [bucket.when(i) for i in range(1000)] == [0.0] * 1000


@pytest.mark.parametrize(
    "make",
    [
        lambda c: BucketRateLimiter(qps=0, burst=1, clock=c),
        lambda c: BucketRateLimiter(qps=10, burst=0, clock=c),
        lambda c: BucketRateLimiter(qps=math.nan, burst=1, clock=c),
        lambda c: ItemExponentialFailureRateLimiter(-1.0, 1.0),
        lambda c: ItemExponentialFailureRateLimiter(1.0, math.nan),
        lambda c: ItemFastSlowRateLimiter(-1.0, 1.0, 3),
        lambda c: WithMaxWaitRateLimiter(ItemExponentialFailureRateLimiter(), -1.0),
    ],
    ids=[
        "zero qps",
        "zero burst",
        "nan qps",
        "negative base delay",
        "nan max delay",
        "negative fast delay",
        "negative max wait",
    ],
)
def test_invalid_parameters_are_refused(make):
    with pytest.raises(ValueError):
        make(Clock())


def test_default_controller_limiter_is_max_of_exponential_and_bucket():
    clock = Clock()
    limiter = default_controller_rate_limiter(clock)
    # 100 distinct first failures fit the burst: the per-item 5 ms dominates.
    assert [limiter.when(f"k{i}") for i in range(100)] == [5 * MS] * 100
    # The bucket is empty now: the 101st overall retry waits 100 ms, the next 200 ms.
    assert limiter.when("k100") == pytest.approx(0.1)
    assert limiter.when("k101") == pytest.approx(0.2)
    advance(clock, 1000.0)  # bucket full again
    assert [limiter.when("k0") for _ in range(4)] == pytest.approx(
        [10 * MS, 20 * MS, 40 * MS, 80 * MS]
    )
    assert limiter.num_requeues("k0") == 5
    limiter.forget("k0")
    assert limiter.num_requeues("k0") == 0
    assert limiter.when("k0") == 5 * MS
    for _ in range(30):
        limiter.when("hot")
    assert limiter.when("hot") == 1000.0


@settings(max_examples=200, deadline=None)
@given(
    qps=st.sampled_from([0.5, 1.0, 10.0, 100.0]),
    burst=st.integers(1, 20),
    steps=st.lists(st.floats(0.0, 2.0, allow_nan=False), min_size=1, max_size=80),
)
def test_bucket_never_grants_more_than_burst_plus_rate(qps, burst, steps):
    """Token-bucket law: between any two granted instants t_i <= t_j (i < j) at most
    burst + qps * (t_j - t_i) tokens were used, and grants happen in request order."""
    clock = Clock()
    bucket = BucketRateLimiter(qps=qps, burst=burst, clock=clock)
    grants: list[float] = []
    for dt in steps:
        advance(clock, dt)
        wait = bucket.when("x")
        assert wait >= 0
        grants.append(clock.now + wait)
        assert bucket.tokens() <= burst
    assert grants == sorted(grants)
    for i in range(len(grants)):
        for j in range(i + 1, len(grants)):
            assert j - i + 1 <= burst + qps * (grants[j] - grants[i]) + 1e-6
