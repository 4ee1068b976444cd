"""Giving a worker's freed heap back to the system between batches (glibc's ``malloc_trim``).

glibc keeps the memory a process frees for its next allocations: in its arenas, whose free
pages it hands back only from the top of the heap, and rarely.  In the NLP stage each batch
frees ~100 MiB of spaCy working memory and Python objects, and the next batch's
allocations land elsewhere, so a worker's resident size kept rising with the number of
articles: from 411 to 460 MiB over the 24 batches of a 1,500-article run, with 20-65 MiB
of it free heap (issue 10, round 4, docs/benchmarks.md).  ``malloc_trim(0)`` returns every
whole free page of every arena; after each batch, the same run's level went 400 -> 412-427 MiB.
It costs a few ms per batch (the pages are faulted in again when the next batch needs them).

Elsewhere than glibc (musl, macOS) there is no such call and nothing is done.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's ``malloc_trim`` function, or None when the C library has none."""
    return malloc_trim_in(ctypes.util.find_library("c"))


def malloc_trim_in(library_name: str | None):
    """``malloc_trim`` from the C library ``library_name``, or None (no library, or no such function)."""
    if not library_name:
        return None
    try:
        function = ctypes.CDLL(library_name).malloc_trim
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_size_t]
    function.restype = ctypes.c_int
    return function


def release_free_heap() -> bool:
    """Return the C heap's free pages to the system; whether the C library could."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
