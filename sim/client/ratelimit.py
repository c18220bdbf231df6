"""Work-queue rate limiters: how long a failed key waits before it is retried.

Models client-go `util/workqueue/default_rate_limiters.go` (kubernetes 1.32) and, for the
token bucket, `golang.org/x/time/rate` (`rate.go`, `Limiter.Reserve().Delay()`). Every limiter
answers three questions about an item: `when(item)` (how many simulated seconds to wait before
re-adding it; calling it records one more failure), `forget(item)` (stop tracking it) and
`num_requeues(item)` (failures recorded since the last `forget`).

Guarantees:
- Delays are in simulated seconds, never negative and never unbounded: the per-item exponential
  backoff is capped at `max_delay_s` and its exponent is capped so that `2 ** n` cannot overflow,
  exactly where upstream falls back to `maxDelay` once `baseDelay * 2^n` exceeds `MaxInt64` ns.
- The token bucket reads only the simulated clock. Like `rate.Limiter.Reserve`, each `when`
  takes a token now, going into debt if the bucket is empty, so the wait it returns is the time
  until the debt is repaid: a full bucket of `burst` answers 0, then `1 / qps` apart.
- Per-item state lives in insertion-ordered dicts; nothing depends on hashing order.

`default_controller_rate_limiter` is client-go's `DefaultTypedControllerRateLimiter`: the worse
of a 5 ms .. 1000 s per-item exponential backoff and a 10 qps / 100 burst overall bucket.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Protocol

from sim.core.clock import Clock

__all__ = [
    "BucketRateLimiter",
    "ItemExponentialFailureRateLimiter",
    "ItemFastSlowRateLimiter",
    "MaxOfRateLimiter",
    "RateLimiter",
    "WithMaxWaitRateLimiter",
    "default_controller_rate_limiter",
]

# Upstream compares the backoff against math.MaxInt64 nanoseconds (a time.Duration's range).
_MAX_DURATION_S = (2**63 - 1) / 1e9
# 2.0 ** 1023 is the largest finite power of two; beyond it `**` raises OverflowError.
_MAX_EXPONENT = 1023


class RateLimiter(Protocol):
    """client-go `TypedRateLimiter`: decides how long a failed item waits before a retry.

    `when` is called once per retry and records it (it is not idempotent); `forget` is called
    when the item succeeded or was given up on; `num_requeues` only reads.
    """

    def when(self, item: Hashable) -> float:
        """Record one more failure of `item`; return the seconds to wait before re-adding it."""
        ...

    def forget(self, item: Hashable) -> None:
        """Stop tracking `item`: its next `when` starts from scratch."""
        ...

    def num_requeues(self, item: Hashable) -> int:
        """How many failures of `item` were recorded since it was last forgotten."""
        ...


def _check_delay(name: str, delay_s: float) -> None:
    if not delay_s >= 0:  # also rejects NaN
        raise ValueError(f"{name} must be >= 0, got {delay_s}")


class ItemExponentialFailureRateLimiter:
    """Per-item `base_delay_s * 2 ** failures`, capped at `max_delay_s` (upstream's
    `TypedItemExponentialFailureRateLimiter`). Retry counts are never capped; only the
    exponent used to compute the delay is."""

    __slots__ = ("base_delay_s", "max_delay_s", "_failures")

    def __init__(self, base_delay_s: float = 0.005, max_delay_s: float = 1000.0):
        _check_delay("base_delay_s", base_delay_s)
        _check_delay("max_delay_s", max_delay_s)
        self.base_delay_s = float(base_delay_s)
        self.max_delay_s = float(max_delay_s)
        self._failures: dict[Hashable, int] = {}

    def when(self, item: Hashable) -> float:
        exponent = self._failures.get(item, 0)
        self._failures[item] = exponent + 1
        # A product that overflows to inf is still > the cap; `**` itself never sees > 1023.
        backoff_s = self.base_delay_s * 2.0 ** min(exponent, _MAX_EXPONENT)
        if backoff_s > _MAX_DURATION_S:
            return self.max_delay_s
        return min(backoff_s, self.max_delay_s)

    def forget(self, item: Hashable) -> None:
        self._failures.pop(item, None)

    def num_requeues(self, item: Hashable) -> int:
        return self._failures.get(item, 0)


class ItemFastSlowRateLimiter:
    """`fast_delay_s` for the first `max_fast_attempts` failures of an item, then `slow_delay_s`
    (upstream's `TypedItemFastSlowRateLimiter`)."""

    __slots__ = ("fast_delay_s", "slow_delay_s", "max_fast_attempts", "_failures")

    def __init__(self, fast_delay_s: float, slow_delay_s: float, max_fast_attempts: int):
        _check_delay("fast_delay_s", fast_delay_s)
        _check_delay("slow_delay_s", slow_delay_s)
        self.fast_delay_s = float(fast_delay_s)
        self.slow_delay_s = float(slow_delay_s)
        self.max_fast_attempts = max_fast_attempts
        self._failures: dict[Hashable, int] = {}

    def when(self, item: Hashable) -> float:
        failures = self._failures.get(item, 0) + 1
        self._failures[item] = failures
        return self.fast_delay_s if failures <= self.max_fast_attempts else self.slow_delay_s

    def forget(self, item: Hashable) -> None:
        self._failures.pop(item, None)

    def num_requeues(self, item: Hashable) -> int:
        return self._failures.get(item, 0)


class BucketRateLimiter:
    """An overall token bucket on the simulated clock (upstream's `TypedBucketRateLimiter`
    around `rate.NewLimiter(qps, burst)`); it ignores which item asks.

    The bucket starts full with `burst` tokens and refills at `qps` tokens per second up to
    `burst`. `when` reserves one token at `clock.now`: the count may go negative (a debt owed by
    reservations already handed out) and the answer is the time until the count is back at 0.
    `qps=math.inf` never delays. Upstream's zero limits, which reject reservations and answer
    `InfDuration`, are refused here instead, since an unbounded delay is never useful.
    """

    __slots__ = ("qps", "burst", "_clock", "_tokens", "_last_s")

    def __init__(self, qps: float = 10.0, burst: int = 100, *, clock: Clock):
        if not qps > 0:
            raise ValueError(f"qps must be > 0, got {qps}")
        if burst < 1:
            raise ValueError(f"burst must be >= 1, got {burst}")
        self.qps = float(qps)
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._last_s = clock.now

    def tokens(self) -> float:
        """Tokens available now (negative while reservations are in debt); does not reserve."""
        return self._advance(self._clock.now)

    def _advance(self, now_s: float) -> float:
        elapsed_s = max(0.0, now_s - self._last_s)
        return min(float(self.burst), self._tokens + elapsed_s * self.qps)

    def when(self, item: Hashable) -> float:
        if self.qps == float("inf"):
            return 0.0
        now_s = self._clock.now
        tokens = self._advance(now_s) - 1.0
        self._tokens = tokens
        self._last_s = max(now_s, self._last_s)
        return -tokens / self.qps if tokens < 0 else 0.0

    def forget(self, item: Hashable) -> None:
        """The bucket is shared by all items: there is nothing per item to forget."""

    def num_requeues(self, item: Hashable) -> int:
        return 0


class MaxOfRateLimiter:
    """The worst case of several limiters (upstream's `TypedMaxOfRateLimiter`).

    `when` asks every limiter, in the order given, so each records the retry (a bucket spends a
    token even when another limiter's answer is longer); `num_requeues` is the largest count and
    `forget` forgets everywhere.
    """

    __slots__ = ("limiters",)

    def __init__(self, *limiters: RateLimiter):
        self.limiters: tuple[RateLimiter, ...] = limiters

    def when(self, item: Hashable) -> float:
        delays_s = [limiter.when(item) for limiter in self.limiters]
        return max(delays_s, default=0.0)

    def forget(self, item: Hashable) -> None:
        for limiter in self.limiters:
            limiter.forget(item)

    def num_requeues(self, item: Hashable) -> int:
        return max((limiter.num_requeues(item) for limiter in self.limiters), default=0)


class WithMaxWaitRateLimiter:
    """Caps another limiter's answer at `max_delay_s` (upstream's `TypedWithMaxWaitRateLimiter`)."""

    __slots__ = ("limiter", "max_delay_s")

    def __init__(self, limiter: RateLimiter, max_delay_s: float):
        _check_delay("max_delay_s", max_delay_s)
        self.limiter = limiter
        self.max_delay_s = float(max_delay_s)

    def when(self, item: Hashable) -> float:
        return min(self.limiter.when(item), self.max_delay_s)

    def forget(self, item: Hashable) -> None:
        self.limiter.forget(item)

    def num_requeues(self, item: Hashable) -> int:
        return self.limiter.num_requeues(item)


def default_controller_rate_limiter(clock: Clock) -> MaxOfRateLimiter:
    """client-go's `DefaultTypedControllerRateLimiter`: per-item exponential 5 ms .. 1000 s,
    and overall 10 qps with a burst of 100 (that bucket only paces retries)."""
    return MaxOfRateLimiter(
        ItemExponentialFailureRateLimiter(0.005, 1000.0),
        BucketRateLimiter(qps=10.0, burst=100, clock=clock),
    )
