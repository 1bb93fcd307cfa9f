"""Spreading independent, pure work over the machine's cores.

`fork_map(function, items, processes)` is `[function(item) for item in items]`, computed by
`processes` forked workers. Workers inherit `function` and
`items` through fork, so neither needs to be picklable; the results must be. Where fork is
not available (Windows, and macOS where it is unsafe) or when a worker fails, the work is
done in this process, so an error surfaces exactly as it would without workers.
"""

from __future__ import annotations

import sys

_WORK: tuple = ()


def _chunk(bounds: tuple[int, int]):
    function, items = _WORK
    try:
        return True, [function(item) for item in items[bounds[0]:bounds[1]]]
    except BaseException:  # redone in the parent, which reports it as it would without workers
        return False, None


def fork_map(function, items: list, processes: int) -> list:
    """See the module's docstring."""
    global _WORK
    processes = min(processes, len(items))
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
    results: list = []
    for (start, end), (ok, chunk) in zip(bounds, done):
        results.extend(chunk if ok else [function(item) for item in items[start:end]])
    return results
