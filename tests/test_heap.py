"""transforms.heap: the C heap's free pages go back to the system between batches."""
import ctypes
import ctypes.util
import platform

import pytest

from transforms import heap


def _resident_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))


def test_no_c_library_or_no_malloc_trim_means_nothing_to_call():
    assert heap.malloc_trim_in(None) is None
    assert heap.malloc_trim_in("libdoes-not-exist.so.9") is None


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_freed_heap_below_a_live_block_is_returned():
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    # 64 KiB blocks come from the heap (below glibc's mmap threshold); the last one stays
    # allocated, so free() alone cannot shrink the heap from its top.
    blocks = [libc.malloc(64 * 1024) for _ in range(1600)]
    for block in blocks:
        ctypes.memset(block, 1, 64 * 1024)
    for block in blocks[:-1]:
        libc.free(block)
    before = _resident_kib()
    assert heap.release_free_heap() is True
    after = _resident_kib()
    libc.free(blocks[-1])
    assert before - after > 50 * 1024  # of the ~100 MiB freed, most is given back
