"""Named random streams: one seeded generator per consumer, derived from (seed, name).

Each stream's seed is the first 16 bytes of sha256(f"{seed}/{name}"), never Python's `hash()`,
so it is the same on every machine and under every PYTHONHASHSEED, and adding a new consumer
(a new name) never perturbs the numbers any other consumer draws.
"""

from __future__ import annotations

import hashlib

import numpy as np

# Upstream k8s.io/apimachinery/pkg/util/rand: consonants and digits without vowels or
# look-alikes, so that generated names never spell words.
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def stream_seed(seed: int, name: str) -> int:
    digest = hashlib.sha256(f"{seed}/{name}".encode()).digest()
    return int.from_bytes(digest[:16], "big")


class RandomStream:
    """A seeded generator with the few draws the simulator needs."""

    __slots__ = ("name", "_gen", "_key", "_counter")

    def __init__(self, seed: int, name: str):
        self.name = name
        self._gen = np.random.Generator(np.random.PCG64(stream_seed(seed, name)))
        # Identifiers (uids, name suffixes) come from a keyed hash of a counter: as seeded and
        # stable as the generator, and several times cheaper per draw on the create path.
        self._key = hashlib.sha256(f"{seed}/{name}/ids".encode()).digest()[:32]
        self._counter = 0

    def _id_bytes(self) -> bytes:
        self._counter += 1
        return hashlib.blake2b(
            self._counter.to_bytes(8, "big"), key=self._key, digest_size=16
        ).digest()

    @property
    def generator(self) -> np.random.Generator:
        return self._gen

    def random(self) -> float:
        return float(self._gen.random())

    def uniform(self, low: float, high: float) -> float:
        return float(self._gen.uniform(low, high))

    def exponential(self, mean: float) -> float:
        return float(self._gen.exponential(mean))

    def integers(self, low: int, high: int) -> int:
        """An integer in [low, high)."""
        return int(self._gen.integers(low, high))

    def jitter(self, base: float, factor: float) -> float:
        """client-go wait.Jitter: base + uniform(0, factor * base)."""
        if factor <= 0:
            return base
        return base + self.uniform(0.0, factor * base)

    def string(self, length: int) -> str:
        """utilrand.String: `length` characters of NAME_ALPHABET."""
        out: list[str] = []
        n = len(NAME_ALPHABET)
        while len(out) < length:
            out.extend(NAME_ALPHABET[b % n] for b in self._id_bytes() if b < 256 - 256 % n)
        return "".join(out[:length])

    def uuid(self) -> str:
        """A version-4 UUID string drawn from this stream."""
        b = bytearray(self._id_bytes())
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        h = b.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class RandomStreams:
    """The per-run factory of named streams; a stream is created on first use and kept."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._streams: dict[str, RandomStream] = {}

    def stream(self, name: str) -> RandomStream:
        s = self._streams.get(name)
        if s is None:
            s = self._streams[name] = RandomStream(self.seed, name)
        return s
