"""Spreading independent, pure work over the machine's cores.

`fork_map(function, items)` is `[function(item) for item in items]`, computed by forked
worker processes when there are enough items for that to pay (forking and sending results
back cost a few milliseconds; one check costs about three). Workers inherit `function` and
`items` through fork, so neither needs to be picklable; the results must be. Where fork is
not available (Windows, and macOS where it is unsafe) or when a worker fails, the work is
done in this process, so an error surfaces exactly as it would without workers.
"""

from __future__ import annotations

import os
import sys

MIN_ITEMS_PER_WORKER = 32
_WORK: tuple = ()


def workers_for(count: int) -> int:
    """How many processes to use for `count` items (1: do it here)."""
    if sys.platform != "linux":
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, count // MIN_ITEMS_PER_WORKER))


def _chunk(bounds: tuple[int, int]):
    function, items = _WORK
    try:
        return True, [function(item) for item in items[bounds[0]:bounds[1]]]
    except BaseException:  # redone in the parent, which reports it as it would without workers
        return False, None


def fork_map(function, items: list, processes: int | None = None) -> list:
    """See the module's docstring; `processes` None chooses with `workers_for`."""
    global _WORK
    processes = workers_for(len(items)) if processes is None else min(processes, len(items))
    if processes < 2 or sys.platform != "linux":
        return [function(item) for item in items]
    import multiprocessing

    size = -(-len(items) // processes)
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    _WORK = (function, items)
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            done = pool.map(_chunk, bounds)
    finally:
        _WORK = ()
    results = []
    for (start, end), (ok, chunk) in zip(bounds, done):
        results.extend(chunk if ok else [function(item) for item in items[start:end]])
    return results
