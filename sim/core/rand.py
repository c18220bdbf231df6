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
# A UUID's variant nibble (binary 10xx) for each hex digit of the drawn byte's high nibble.
_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}


def stream_seed(seed: int, name: str) -> int:
    digest = hashlib.sha256(f"{seed}/{name}".encode()).digest()
    return int.from_bytes(digest[:16], "big")


class RandomStream:
    """A seeded generator with the few draws the simulator needs."""

    __slots__ = ("name", "_gen", "_key", "_keyed", "_counter")

    def __init__(self, seed: int, name: str):
        self.name = name
        self._gen = np.random.Generator(np.random.PCG64(stream_seed(seed, name)))
        # Identifiers (uids, name suffixes) come from a keyed hash of a counter: as seeded and
        # stable as the generator, and several times cheaper per draw on the create path.
        self._key = hashlib.sha256(f"{seed}/{name}/ids".encode()).digest()[:32]
        # blake2b keyed with _key, nothing hashed yet: a copy of it hashes one counter value
        # exactly as blake2b(value, key=_key, digest_size=16) does, without the setup.
        self._keyed = hashlib.blake2b(key=self._key, digest_size=16)
        self._counter = 0

    def _id_hash(self) -> hashlib.blake2b:
        """The keyed hash of the next counter value (its 16 bytes are the next id)."""
        self._counter += 1
        h = self._keyed.copy()
        h.update(self._counter.to_bytes(8, "big"))
        return h

    def _id_bytes(self) -> bytes:
        return self._id_hash().digest()

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
        """A version-4 UUID string drawn from this stream: 16 id bytes with the version nibble
        (byte 6) set to 4 and the variant bits (byte 8) to 10, written 8-4-4-4-12."""
        x = self._id_hash().hexdigest()
        # The bits set on the hex text: hex digit 12 is byte 6's high nibble, digit 16 byte 8's.
        return f"{x[:8]}-{x[8:12]}-4{x[13:16]}-{_VARIANT[x[16]]}{x[17:20]}-{x[20:]}"


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
