"""Near-duplicate detection: MinHash signatures over word shingles, LSH band keys.

A syndicated copy with small edits (a changed word, an added sentence, a different
standfirst) has a different ``content_hash`` but shares almost all of its word shingles
with the first copy.  Jaccard similarity of the two shingle sets is estimated from
MinHash signatures (``datasketch.MinHash``'s values, computed here); candidate pairs are found by LSH banding
(the signature is cut into ``bands`` bands of ``rows`` values; two articles are
candidates when any band is equal) and then verified on the whole signature.

Band keys are plain hex strings, so the same keys serve the within-run comparison and
the persistent seen-key index (``transforms.seen_index``): an earlier article is found by
looking its band keys up, never by scanning history.  The banding is fixed for a floor
similarity (``LSH_FLOOR``, datasketch's optimal (b, r) for it), so the verification
threshold can be raised per run without invalidating the stored keys.

Threshold and shingle size were chosen on real text (docs/benchmarks.md, "Near-duplicates").
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import re

import numpy as np

from transforms.identity import normalized_for_hash

NUM_PERM = 128
SEED = 1
SHINGLE_WORDS = 4
# Candidate pairs are found with high probability from this similarity up; the
# verification threshold (``--near_dup_threshold``) must not be lower.
LSH_FLOOR = 0.4
DEFAULT_THRESHOLD = 0.6
# datasketch's optimal banding for LSH_FLOOR and NUM_PERM (tests/test_near_dup.py checks it):
# importing datasketch pulls in scipy, 0.4-0.7 s of every worker's start-up.
DEFAULT_BANDING = (32, 4)
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


@dataclasses.dataclass(frozen=True)
class NearDupParams:
    """Everything that makes two signatures or band keys comparable (stored with the index)."""

    num_perm: int = NUM_PERM
    seed: int = SEED
    shingle_words: int = SHINGLE_WORDS
    lsh_floor: float = LSH_FLOOR

    @functools.cached_property
    def banding(self) -> tuple[int, int]:
        """(bands, rows per band): datasketch's choice for ``lsh_floor``."""
        if (self.lsh_floor, self.num_perm) == (LSH_FLOOR, NUM_PERM):
            return DEFAULT_BANDING
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=self.lsh_floor, num_perm=self.num_perm)
        return lsh.b, lsh.r

    def as_dict(self) -> dict:
        bands, rows = self.banding
        return dict(dataclasses.asdict(self), bands=bands, rows=rows)


PARAMS = NearDupParams()


def shingles(text: str, words: int = SHINGLE_WORDS) -> set[bytes]:
    """Overlapping ``words``-word shingles of the case- and space-folded text.

    A text shorter than one shingle is one shingle (so two identical short texts match).
    """
    tokens = _WORD.findall(normalized_for_hash(text))
    if not tokens:
        return set()
    if len(tokens) <= words:
        return {" ".join(tokens).encode("utf-8")}
    return {" ".join(tokens[i:i + words]).encode("utf-8") for i in range(len(tokens) - words + 1)}


# The MinHash of datasketch's ``MinHash(num_perm, seed)`` (2.x's default "affine32" scheme:
# SHA-1's first 32 bits, MurmurHash3's finaliser, then ``a * h + b`` modulo 2^32 with odd
# ``a``), computed here so that workers need not import datasketch (and with it scipy,
# 0.4-0.7 s of start-up), and so that the signatures the seen-key index stores cannot change
# with the datasketch version installed.  tests/test_near_dup.py checks them against datasketch.
_MAX_HASH = np.uint32((1 << 32) - 1)
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@functools.lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    # Drawn in datasketch's order from a RandomState seeded with ``seed``.
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX32
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


def signature(text: str, params: NearDupParams = PARAMS) -> np.ndarray:
    """The MinHash signature (``num_perm`` uint32 values) of ``text``'s shingles."""
    hashes = [int.from_bytes(hashlib.sha1(shingle).digest()[:4], "little")
              for shingle in shingles(text, params.shingle_words)]
    if not hashes:
        return np.full(params.num_perm, _MAX_HASH, dtype=np.uint32)
    a, b = _permutations(params.num_perm, params.seed)
    mixed = _fmix32(np.array(hashes, dtype=np.uint32).reshape(-1, 1))
    # uint32 arithmetic wraps around: the permutation is modulo 2^32.
    return (mixed * a + b).min(axis=0)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal values)."""
    if len(a) != len(b):
        raise ValueError(f"signatures of different lengths ({len(a)}, {len(b)}) are not comparable")
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(sig: np.ndarray, params: NearDupParams = PARAMS) -> list[str]:
    """One hex key per LSH band; equal keys at the same band index mean a candidate pair."""
    bands, rows = params.banding
    values = np.asarray(sig, dtype="<u4")
    return [hashlib.blake2b(bytes([band]) + values[band * rows:(band + 1) * rows].tobytes(),
                            digest_size=8).hexdigest()
            for band in range(bands)]


def to_bytes(sig: np.ndarray) -> bytes:
    return np.asarray(sig, dtype="<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4")
