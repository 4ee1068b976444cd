"""Near-duplicate detection: MinHash signatures over word shingles, LSH band keys.

A syndicated copy with small edits (a changed word, an added sentence, a different
standfirst) has a different ``content_hash`` but shares almost all of its word shingles
with the first copy.  Jaccard similarity of the two shingle sets is estimated from
MinHash signatures (``datasketch.MinHash``); candidate pairs are found by LSH banding
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


@functools.lru_cache(maxsize=4)
def _template(num_perm: int, seed: int):
    # Building the permutations is the slow part of MinHash(); copies share them.
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=seed)


def signature(text: str, params: NearDupParams = PARAMS) -> np.ndarray:
    """The MinHash signature (``num_perm`` uint32 values) of ``text``'s shingles."""
    minhash = _template(params.num_perm, params.seed).copy()
    minhash.update_batch(sorted(shingles(text, params.shingle_words)))
    # datasketch keeps 32-bit hash values in uint64; uint32 halves what the index stores.
    return minhash.hashvalues.astype(np.uint32)


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
