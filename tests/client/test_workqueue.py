"""WorkQueue against client-go's `queue_test.go`, `delaying_queue_test.go` and
`rate_limiting_queue_test.go`, plus a stateful test against a plain reference model."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from sim.client.ratelimit import ItemExponentialFailureRateLimiter, MaxOfRateLimiter
from sim.client.workqueue import SHUTDOWN, WorkQueue
from sim.core.clock import Clock

MS = 0.001


def advance(clock: Clock, dt_s: float) -> None:
    """Run the clock `dt_s` forward, including every event due at the new instant."""
    target_s = clock.now + dt_s
    if target_s > clock.now:
        clock.run(until=target_s)
    while clock.env.peek() <= clock.now:
        clock.env.step()


def drain(queue: WorkQueue[Any]) -> list[Any]:
    """Get and finish every queued item, in order."""
    items = []
    while queue.len():
        ev = queue.get()
        assert ev.triggered
        items.append(ev.value)
        queue.done(ev.value)
    return items


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def queue(clock: Clock) -> WorkQueue[str]:
    return WorkQueue(clock, "test")


# -- queue.go -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "adds,expected_len,expected_order",
    [
        (["foo"], 1, ["foo"]),
        (["foo", "bar"], 2, ["foo", "bar"]),
        (["foo", "bar", "foo"], 2, ["foo", "bar"]),
        (["c", "a", "b", "a", "c"], 3, ["c", "a", "b"]),
    ],
    ids=[
        "one add queues one item",
        "distinct items queue in FIFO order",
        "a re-add of a queued item does not grow the queue",
        "dedup keeps the first position",
    ],
)
def test_add_dedups_and_keeps_fifo_order(queue, adds, expected_len, expected_order):
    for item in adds:
        queue.add(item)
    assert queue.len() == expected_len == len(queue) == queue.depth
    assert drain(queue) == expected_order


def test_reinsert_while_processing_is_handed_out_again_only_after_done(queue):
    queue.add("foo")
    first = queue.get()
    assert first.value == "foo"
    queue.add("foo")
    assert queue.len() == 0  # dirty, but not queued while processing
    second = queue.get()
    assert not second.triggered
    queue.done("foo")
    assert second.triggered and second.value == "foo"
    queue.done("foo")
    assert queue.len() == 0


def test_waiting_workers_are_served_in_the_order_they_asked(queue):
    getters = [queue.get() for _ in range(3)]
    assert not any(g.triggered for g in getters)
    for item in ["a", "b", "c"]:
        queue.add(item)
    assert [g.value for g in getters] == ["a", "b", "c"]
    assert all(queue.is_processing(i) for i in "abc")


def test_done_of_an_item_not_processing_is_an_error(queue):
    queue.add("foo")
    with pytest.raises(ValueError, match="not processing"):
        queue.done("foo")


def test_add_while_processing_with_many_workers_never_runs_one_item_twice(clock, queue):
    """upstream TestAddWhileProcessing: each item is re-added once while being processed."""
    processed: dict[int, int] = {}
    running: set[int] = set()
    overlaps: list[int] = []

    def worker() -> Generator[Any, Any, None]:
        while True:
            item = yield queue.get()
            if item is SHUTDOWN:
                return
            if item in running:
                overlaps.append(item)
            running.add(item)
            processed[item] = processed.get(item, 0) + 1
            if processed[item] < 2:
                queue.add(item)
            yield clock.timeout(3 * MS)
            running.discard(item)
            queue.done(item)

    workers = [clock.process(worker()) for _ in range(10)]
    for i in range(50):
        queue.add(i)
    clock.run(until=10.0)
    assert overlaps == []
    assert processed == {i: 2 for i in range(50)}
    queue.shut_down()
    clock.run(until=11.0)
    assert all(not w.is_alive for w in workers)
    assert queue.len() == 0


# -- shutdown -------------------------------------------------------------------------------


def test_shut_down_releases_waiting_workers_and_ignores_adds(queue):
    waiting = [queue.get(), queue.get()]
    queue.shut_down()
    assert queue.shutting_down()
    assert [g.value for g in waiting] == [SHUTDOWN, SHUTDOWN]
    queue.add("added after shutdown!")
    assert queue.len() == 0
    assert queue.get().value is SHUTDOWN


def test_shut_down_hands_out_nothing_more_even_if_items_are_queued(queue):
    queue.add("foo")
    queue.shut_down()
    assert queue.get().value is SHUTDOWN
    assert queue.len() == 1


def test_drain_waits_for_processing_items(queue):
    """upstream TestQueueDrainageUsingShutDownWithDrain."""
    for item in ["foo", "bar"]:
        queue.add(item)
    first, second = queue.get().value, queue.get().value
    drained = queue.shut_down_with_drain()
    assert queue.get().value is SHUTDOWN
    queue.done(first)
    assert not drained.triggered
    queue.done(second)
    assert drained.triggered


def test_drain_hands_out_a_dirty_item_requeued_by_done(queue):
    """upstream TestQueueDrainageUsingShutDownWithDrainWithDirtyItem."""
    queue.add("foo")
    gotten = queue.get().value
    queue.add("foo")
    drained = queue.shut_down_with_drain()
    assert queue.get().value is SHUTDOWN
    queue.done(gotten)
    again = queue.get()
    assert again.value == "foo"
    assert not drained.triggered
    queue.done("foo")
    assert queue.get().value is SHUTDOWN
    assert drained.triggered


def test_drain_still_hands_out_queued_items(queue):
    for item in ["a", "b"]:
        queue.add(item)
    drained = queue.shut_down_with_drain()
    queue.add("c")
    assert drain(queue) == ["a", "b"]
    assert queue.get().value is SHUTDOWN
    assert drained.triggered


def test_shut_down_after_drain_forces_it(queue):
    """upstream TestForceQueueShutdownUsingShutDown."""
    queue.add("foo")
    queue.get()
    drained = queue.shut_down_with_drain()
    assert not drained.triggered
    queue.shut_down()
    assert drained.triggered


def test_drain_of_an_idle_queue_is_immediate(queue):
    assert queue.shut_down_with_drain().triggered


# -- delaying_queue.go ------------------------------------------------------------------------


def test_add_after_adds_when_the_delay_elapses(clock, queue):
    """upstream TestSimpleQueue."""
    queue.add_after("foo", 50 * MS)
    assert queue.waiting_depth == 1 and queue.len() == 0
    advance(clock, 49 * MS)
    assert queue.len() == 0
    advance(clock, 1 * MS)
    assert queue.len() == 1 and queue.waiting_depth == 0
    assert drain(queue) == ["foo"]
    advance(clock, 10.0)
    assert queue.len() == 0


@pytest.mark.parametrize(
    "delays,added_at",
    [
        ([50 * MS, 70 * MS], 50 * MS),
        ([50 * MS, 30 * MS], 30 * MS),
        ([50 * MS, 50 * MS], 50 * MS),
    ],
    ids=[
        "a later repeat keeps the earlier time",
        "an earlier repeat moves the time forward",
        "an equal repeat changes nothing",
    ],
)
def test_add_after_dedups_keeping_the_earliest_time(clock, queue, delays, added_at):
    """upstream TestDeduping."""
    for delay in delays:
        queue.add_after("foo", delay)
    assert queue.waiting_depth == 1
    advance(clock, added_at - 1 * MS)
    assert queue.len() == 0
    advance(clock, 1 * MS)
    assert drain(queue) == ["foo"]
    advance(clock, 1.0)
    assert queue.len() == 0 and queue.waiting_depth == 0


def test_add_two_fire_early(clock, queue):
    """upstream TestAddTwoFireEarly."""
    queue.add_after("foo", 1.0)
    queue.add_after("bar", 50 * MS)
    advance(clock, 60 * MS)
    assert queue.waiting_depth == 1
    assert drain(queue) == ["bar"]
    queue.add_after("baz", 2.0)
    advance(clock, 1.0)
    assert drain(queue) == ["foo"]
    advance(clock, 2.0)
    assert queue.waiting_depth == 0
    assert drain(queue) == ["baz"]


def test_copy_shifting(clock, queue):
    """upstream TestCopyShifting: items come out in due order, not call order."""
    queue.add_after("foo", 1.0)
    queue.add_after("bar", 500 * MS)
    queue.add_after("baz", 250 * MS)
    assert queue.waiting_depth == 3
    advance(clock, 2.0)
    assert drain(queue) == ["baz", "bar", "foo"]


@pytest.mark.parametrize(
    "calls,expected",
    [
        ([("a", 2.0), ("b", 2.0), ("c", 2.0)], ["a", "b", "c"]),
        ([("c", 2.0), ("b", 2.0), ("a", 2.0)], ["c", "b", "a"]),
        ([("a", 3.0), ("b", 2.0), ("a", 2.0)], ["b", "a"]),
        ([("a", 2.0), ("b", 2.0), ("a", 5.0)], ["a", "b"]),
    ],
    ids=[
        "ties come out in call order",
        "ties never depend on the item's value",
        "an item moved onto a tie ranks by the call that moved it",
        "a later repeat does not change a tie",
    ],
)
def test_ties_resolve_in_insertion_order(clock, queue, calls, expected):
    for item, delay in calls:
        queue.add_after(item, delay)
    advance(clock, 2.0)
    assert drain(queue) == expected


@pytest.mark.parametrize("delay", [0.0, -1.0], ids=["zero delay", "negative delay"])
def test_add_after_without_delay_adds_now(queue, delay):
    queue.add_after("foo", delay)
    assert queue.len() == 1 and queue.waiting_depth == 0


def test_a_waiting_worker_wakes_exactly_at_the_due_time(clock, queue):
    seen: list[tuple[float, Any]] = []

    def worker() -> Generator[Any, Any, None]:
        item = yield queue.get()
        seen.append((clock.now, item))

    clock.process(worker())
    queue.add_after("foo", 0.25)
    clock.run()
    assert seen == [(0.25, "foo")]


def test_float_rounding_never_makes_a_timer_late(clock, queue):
    # The timer for "y" is armed at 0.3 for 0.9 - 0.3, and 0.3 + (0.9 - 0.3) > 0.9 in floats.
    seen: list[tuple[float, Any]] = []

    def worker() -> Generator[Any, Any, None]:
        for _ in range(2):
            item = yield queue.get()
            seen.append((clock.now, item))
            queue.done(item)

    clock.process(worker())
    queue.add_after("x", 0.3)
    queue.add_after("y", 0.9)
    clock.run()
    assert seen == [(0.3, "x"), (0.9, "y")]


def test_a_due_item_is_queued_before_anything_else_at_that_instant_looks(clock, queue):
    seen: list[int] = []

    def observer() -> Generator[Any, Any, None]:
        yield clock.timeout(1.0)  # scheduled before the queue's timer for the same instant
        seen.append(queue.len())

    clock.process(observer())
    clock.env.step()  # start the observer so its timeout is scheduled first
    queue.add_after("foo", 1.0)
    clock.run()
    assert seen == [1]


def test_a_waiting_item_is_added_even_if_it_was_added_directly_meanwhile(clock, queue):
    queue.add_after("foo", 1.0)
    queue.add("foo")
    foo = queue.get()
    advance(clock, 1.0)
    assert queue.len() == 0  # dirty while processing: requeued on done
    queue.done(foo.value)
    assert drain(queue) == ["foo"]


def test_a_superseded_later_time_never_fires_a_new_wait_early(clock, queue):
    queue.add_after("a", 3.0)
    queue.add_after("a", 1.0)  # supersedes 3.0
    advance(clock, 1.0)
    assert drain(queue) == ["a"]
    queue.add_after("a", 5.0)  # due at 6.0; the stale 3.0 entry must not add it
    advance(clock, 2.0)
    assert queue.len() == 0 and queue.waiting_depth == 1
    advance(clock, 3.0)
    assert drain(queue) == ["a"]


def test_one_timer_serves_many_waiting_items(clock, queue):
    for i in range(1000):
        queue.add_after(f"k{i}", 1.0 + i * MS)
    assert len(clock.env._queue) == 1  # one SimPy event, not one per item
    advance(clock, 2.0)
    assert queue.len() == 1000 and queue.waiting_depth == 0


def test_shut_down_drops_waiting_items_and_ignores_add_after(clock, queue):
    queue.add_after("foo", 1.0)
    queue.shut_down()
    queue.add_after("bar", 1.0)
    queue.add_after("baz", 0.0)
    advance(clock, 2.0)
    assert queue.len() == 0 and queue.waiting_depth == 0
    assert queue.retries == 1


# -- rate_limiting_queue.go -----------------------------------------------------------------


def test_add_rate_limited_uses_the_limiter_delay(clock):
    """upstream TestRateLimitingQueue, observed through when items appear."""
    queue = WorkQueue(clock, "rl", ItemExponentialFailureRateLimiter(1 * MS, 1.0))

    def appears_after(item: str) -> float:
        start = clock.now
        queue.add_rate_limited(item)
        while queue.len() == 0:
            advance(clock, clock.env.peek() - clock.now)
        drain(queue)
        return clock.now - start

    assert appears_after("one") == pytest.approx(1 * MS)
    assert appears_after("one") == pytest.approx(2 * MS)
    assert queue.num_requeues("one") == 2
    assert appears_after("two") == pytest.approx(1 * MS)
    assert appears_after("two") == pytest.approx(2 * MS)
    queue.forget("one")
    assert queue.num_requeues("one") == 0
    assert appears_after("one") == pytest.approx(1 * MS)


def test_default_limiter_is_the_controller_default(clock, queue):
    assert isinstance(queue.rate_limiter, MaxOfRateLimiter)
    queue.add_rate_limited("foo")
    advance(clock, 4 * MS)
    assert queue.len() == 0
    advance(clock, 1 * MS)
    assert queue.len() == 1


def test_metrics_count_adds_retries_and_depth(clock, queue):
    queue.add("a")
    queue.add("a")  # deduped: not an add
    queue.add_after("b", 1.0)
    queue.add_rate_limited("c")
    assert (queue.adds, queue.retries, queue.depth, queue.waiting_depth) == (1, 2, 1, 2)
    advance(clock, 1.0)
    assert (queue.adds, queue.retries, queue.depth, queue.waiting_depth) == (3, 2, 3, 0)


# -- stateful test against a reference model ------------------------------------------------

ITEMS = st.sampled_from(["a", "b", "c", "d"])
DELAYS = st.one_of(st.sampled_from([-1.0, 0.0, 0.5, 1.0, 2.0]), st.floats(0.001, 3.0))
STEPS = st.one_of(st.sampled_from([0.5, 1.0]), st.floats(0.001, 2.0))


class ReferenceQueue:
    """client-go's queue as plain lists and sets, with the delaying queue's waiting map."""

    def __init__(self) -> None:
        self.queue: list[str] = []
        self.dirty: set[str] = set()
        self.processing: set[str] = set()
        self.waiting: dict[str, tuple[float, int]] = {}
        self.seq = 0
        self.getters: list[int] = []  # ids of getters still waiting, in order
        self.results: dict[int, object] = {}  # getter id -> item or SHUTDOWN
        self.shutting_down = False
        self.drain = False
        self.adds = 0
        self.retries = 0

    def add(self, item: str) -> None:
        if self.shutting_down or item in self.dirty:
            return
        self.adds += 1
        self.dirty.add(item)
        if item not in self.processing:
            self.queue.append(item)
            self.dispatch()

    def dispatch(self) -> None:
        while self.getters and self.queue:
            item = self.queue.pop(0)
            self.dirty.discard(item)
            self.processing.add(item)
            self.results[self.getters.pop(0)] = item

    def get(self, getter_id: int) -> None:
        if self.shutting_down and (not self.drain or not self.queue):
            self.results[getter_id] = SHUTDOWN
        else:
            self.getters.append(getter_id)
            self.dispatch()

    def done(self, item: str) -> None:
        self.processing.discard(item)
        if item in self.dirty:
            self.queue.append(item)
            self.dispatch()

    def add_after(self, item: str, now: float, delay: float) -> None:
        if self.shutting_down:
            return
        self.retries += 1
        if delay <= 0:
            self.add(item)
            return
        due = now + delay
        if item in self.waiting and self.waiting[item][0] <= due:
            return
        self.seq += 1
        self.waiting[item] = (due, self.seq)

    def advance_to(self, now: float) -> None:
        due = sorted((d, s, i) for i, (d, s) in self.waiting.items() if d <= now)
        for _, _, item in due:
            del self.waiting[item]
            self.add(item)

    def shut_down(self, drain: bool) -> None:
        self.shutting_down, self.drain = True, drain
        self.waiting.clear()
        for getter_id in self.getters:
            self.results[getter_id] = SHUTDOWN
        self.getters.clear()


class WorkQueueMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock()
        self.queue: WorkQueue[str] = WorkQueue(self.clock, "model")
        self.model = ReferenceQueue()
        self.events: list[Any] = []
        self.finished: set[int] = set()
        self.drained: Any = None

    @rule(item=ITEMS)
    def add(self, item: str) -> None:
        self.queue.add(item)
        self.model.add(item)

    @rule(item=ITEMS, delay=DELAYS)
    def add_after(self, item: str, delay: float) -> None:
        self.model.add_after(item, self.clock.now, delay)
        self.queue.add_after(item, delay)

    @rule()
    def get(self) -> None:
        getter_id = len(self.events)
        self.events.append(self.queue.get())
        self.model.get(getter_id)

    def holders(self) -> list[int]:
        """Getters the model says hold an item they have not finished."""
        return [
            getter_id
            for getter_id, result in sorted(self.model.results.items())
            if isinstance(result, str) and getter_id not in self.finished
        ]

    @precondition(lambda self: self.holders())
    @rule(data=st.data())
    def done(self, data: st.DataObject) -> None:
        getter_id = data.draw(st.sampled_from(self.holders()))
        item = self.model.results[getter_id]
        assert isinstance(item, str)
        self.finished.add(getter_id)
        self.queue.done(item)
        self.model.done(item)

    @rule(dt=STEPS)
    def advance_time(self, dt: float) -> None:
        advance(self.clock, dt)
        self.model.advance_to(self.clock.now)

    @precondition(lambda self: not self.model.shutting_down or self.model.drain)
    @rule(drain=st.booleans())
    def shut_down(self, drain: bool) -> None:
        if drain:
            self.drained = self.queue.shut_down_with_drain()
        else:
            self.queue.shut_down()
        self.model.shut_down(drain)

    @invariant()
    def hands_out_exactly_what_the_model_says(self) -> None:
        # Checked before len(), which would also add due items on its own.
        for getter_id, event in enumerate(self.events):
            expected = self.model.results.get(getter_id, "<pending>")
            actual = event.value if event.triggered else "<pending>"
            assert actual == expected, f"getter {getter_id}"
        assert self.queue.len() == len(self.model.queue)
        assert self.queue.waiting_depth == len(self.model.waiting)
        assert (self.queue.adds, self.queue.retries) == (self.model.adds, self.model.retries)
        assert self.queue.shutting_down() == self.model.shutting_down
        if self.drained is not None:
            model = self.model
            assert self.drained.triggered == (
                not model.drain or not (model.processing or model.queue)
            )

    @invariant()
    def no_item_is_processed_twice_at_once(self) -> None:
        held = [
            event.value
            for getter_id, event in enumerate(self.events)
            if event.triggered and event.value is not SHUTDOWN and getter_id not in self.finished
        ]
        assert len(held) == len(set(held)), held
        assert all(self.queue.is_processing(item) for item in held)


WorkQueueMachine.TestCase.settings = settings(
    max_examples=300, stateful_step_count=50, deadline=None
)
test_work_queue_matches_reference_model = WorkQueueMachine.TestCase
