"""6. Many files: 1,000 variations of the ADX-only sample's query (thresholds and window from the
index) in a folder with a schemacheck.toml (schemas = ["schemas"], a copy of its schemas/, the
[outputs.*] tables and kinds), and likewise 100 and 1 in folders of their own (so that work done
per file for each name in its folder shows), all under an empty .git folder (the top of a work
tree, where the walk up to find a project stops): `check --no-cache` of the 1 file, of the 100
and 1,000 files with --jobs 1, of the 1,000 with --jobs = cores (forked workers), and the cached
`check` of the 1,000, alternated with python -c pass after one warm-up round. Target: 1,000
files in < 10 s. Also the time per file against the single-file check, and the cost of each
further file from 1 to 100 and from 100 to 1,000 (linear: the same; flagged above 2x). In the
same loop, the baseline of the workers' speed-up: the machine's own, N forked processes (N =
usable cores) each spinning a fixed pure-Python loop against one (CPU_SPIN); on a VM whose vCPUs
share physical cores it is well under N, and no worker pool can do better.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from harness.common import (
    SUPERLINEAR_RATIO,
    BenchError,
    child_env,
    fmt_mb,
    fmt_ratio,
    fmt_time,
    median,
    median_rss,
    meets,
    probe_report_command,
    time_interleaved,
)
from harness.install import Venv

MANY_FILES = 1000
MANY_MIDDLE = 100          # also timed, to tell whether the time per file stays the same
MANY_TARGET_S = 10.0       # the 1,000-file check (default workers), wall time
MANY_CONFIG = """schemas = ["schemas"]

[outputs.adx-readings]
table = "VehicleReadings"

[outputs.adx-alerts]
table = "OverheatAlerts"

[outputs.raw-archive]
kind = "blob"
"""


def write_many_files(folder: Path, count: int, query: Path) -> list[str]:
    """`count` variations of `query` (its thresholds and window replaced by the index) in
    `folder`, with a schemacheck.toml and a copy of the schemas/ beside it; their names."""
    folder.mkdir()
    shutil.copytree(query.parent / "schemas", folder / "schemas")
    (folder / "schemacheck.toml").write_text(MANY_CONFIG, encoding="utf-8")
    text = query.read_text(encoding="utf-8")
    for literal in ("> 95", "> 110", "TumblingWindow(minute, 5)"):
        if literal not in text:
            raise BenchError(f"the sample no longer holds {literal!r}: "
                             "change write_many_files in benchmarks/sections/many_files.py")
    names = []
    for i in range(count):
        variant = (text.replace("> 95", f"> {i}").replace("> 110", f"> {i + 15}")
                   .replace("TumblingWindow(minute, 5)", f"TumblingWindow(minute, {1 + i % 60})"))
        name = f"q{i:04d}.asaql"
        (folder / name).write_text(variant, encoding="utf-8")
        names.append(name)
    return names


# The machine's own parallel speed-up, the baseline of the workers' figure: N forked processes
# each spinning a fixed pure-Python loop against one doing the same (N = usable cores). On a
# VM whose vCPUs share physical cores this is well under N, and no worker pool can beat it.
CPU_SPIN = r"""
import os, sys
def spin():
    x = 0
    for i in range(6_000_000):
        x += i * i
pids = []
for _ in range(int(sys.argv[1])):
    pid = os.fork()
    if pid == 0:
        spin()
        os._exit(0)
    pids.append(pid)
for pid in pids:
    os.waitpid(pid, 0)
"""


def measure_many_files(venv: Venv, runs: int, work: Path, query: Path, log) -> dict:
    """`check --no-cache` of 1, 100 (--jobs 1) and 1,000 files (--jobs 1 and the default), and the
    cached re-check of the 1,000, all alternated with python -c pass in one loop. Each count
    has a folder of its own holding just those files (f1/, f100/, f1000/, each with its
    schemacheck.toml and schemas/), so that work done per file for each name in its folder
    shows as growth from 100 to 1,000 files."""
    root = work / "many"
    root.mkdir()
    # The top of a git work tree, as a checkout in CI is: the walk up to find each file's
    # project stops here. Without it the walk lists every folder up to / (the temp folder
    # included), and the cached answer is dropped whenever any process adds a file there.
    (root / ".git").mkdir()
    folders = {count: f"f{count}" for count in (1, MANY_MIDDLE, MANY_FILES)}
    names = {count: [f"{folder}/{name}" for name in write_many_files(root / folder, count, query)]
             for count, folder in folders.items()}
    cache_dir = work / "cache-many"
    cache_dir.mkdir()
    sc = str(venv.schemacheck)
    probe = probe_report_command([sc, "check", "--no-cache", names[1][0]], root, "`schemacheck check` of one file")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    commands = {
        "python -c pass": [str(venv.python), "-c", "pass"],
        "1 file": [sc, "check", "--no-cache", names[1][0]],
        f"{MANY_MIDDLE} files, --jobs 1": [sc, "check", "--no-cache", "--jobs", "1", *names[MANY_MIDDLE]],
        f"{MANY_FILES} files, --jobs 1": [sc, "check", "--no-cache", "--jobs", "1", *names[MANY_FILES]],
        # workers are not the default (one process is): ask for one per core
        f"{MANY_FILES} files, default jobs": [sc, "check", "--no-cache", "--jobs", str(cores),
                                              *names[MANY_FILES]],
        f"{MANY_FILES} files, cached": [sc, "check", *names[MANY_FILES]],
    }
    if hasattr(os, "fork") and cores > 1:
        commands["cpu-bound x1"] = [str(venv.python), "-c", CPU_SPIN, "1"]
        commands[f"cpu-bound x{cores}"] = [str(venv.python), "-c", CPU_SPIN, str(cores)]
    cached = f"{MANY_FILES} files, cached"
    log(f"{MANY_FILES} files: {runs} runs x {len(commands)} commands after 1 warm-up round ...")
    samples = time_interleaved(commands, runs, root, warmup=1, envs={cached: child_env(cache_dir)},
                               watch={cached: cache_dir})
    medians = {label: median(times) for label, times in samples.items()}
    hits = samples.hits[cached]
    replayed = [t for t, hit in zip(samples[cached], hits) if hit]
    if replayed:
        medians[cached] = median(replayed)
    bad = {label: codes for label, codes in samples.codes.items() if label != "python -c pass"
           and any(code not in (0, 1) for code in codes)}
    if bad:
        raise BenchError(f"schemacheck check of the generated files failed: exit codes {bad}")
    one, middle = medians["1 file"], medians[f"{MANY_MIDDLE} files, --jobs 1"]
    serial, parallel = medians[f"{MANY_FILES} files, --jobs 1"], medians[f"{MANY_FILES} files, default jobs"]
    machine = (cores * medians["cpu-bound x1"] / medians[f"cpu-bound x{cores}"]
               if f"cpu-bound x{cores}" in medians else float("nan"))
    return {
        "runs": runs,
        "files": MANY_FILES,
        "middle": MANY_MIDDLE,
        "folder_note": "variations of the ADX-only sample (thresholds and window from the index), "
                       "schemacheck.toml + schemas/",
        "cmd": f"cd <tmp>/many && {sc} check --no-cache [--jobs 1] f{MANY_FILES}/q0000.asaql ... "
               f"f{MANY_FILES}/q{MANY_FILES - 1:04d}.asaql",
        "single_summary": probe.stdout.strip().splitlines()[-1],
        "cores": cores,
        "medians": medians,
        "rss": {label: median_rss(values) for label, values in samples.rss.items()},
        "exit_codes": {label: sorted(set(codes)) for label, codes in samples.codes.items()},
        "cached_hits": sum(hits),
        "per_file_serial_s": serial / MANY_FILES,
        "per_file_parallel_s": parallel / MANY_FILES,
        "per_file_ratio": (serial / MANY_FILES) / one,
        "marginal_small_s": (middle - one) / (MANY_MIDDLE - 1),
        "marginal_large_s": (serial - middle) / (MANY_FILES - MANY_MIDDLE),
        "marginal_ratio": ((serial - middle) / (MANY_FILES - MANY_MIDDLE)) / ((middle - one) / (MANY_MIDDLE - 1)),
        "single_net_s": one - medians["python -c pass"],
        "speedup_workers": serial / parallel,
        "machine_speedup": machine,
        "machine_cmd": f"python -c <fork {cores} processes, each a fixed pure-Python loop> against 1",
        "target_s": MANY_TARGET_S,
        "samples": samples,
        "rss_samples": samples.rss,
    }


def report(results: dict) -> None:
    many = results["many_files"]
    m, rss = many["medians"], many["rss"]
    n, middle = many["files"], many["middle"]
    print(f"\n6. MANY FILES  (variations of the ADX-only sample; 1, {middle} and {n:,} of them each in a folder "
          f"of their own "
          f"with schemacheck.toml and a copy of its schemas/; {many['runs']} runs each after 1 warm-up round "
          f"that also fills the cache, all alternated)")
    print(f"   {'command':<50}{'median':>10}{'per file':>11}{'peak RSS':>11}   note")
    rows = [
        ("python -c pass", "baseline: python -c pass", None, ""),
        ("1 file", "check --no-cache f1/q0000.asaql", 1, f"the single-file cold check ({many['single_summary']})"),
        (f"{middle} files, --jobs 1", f"check --no-cache --jobs 1 <{middle} files>", middle, ""),
        (f"{n} files, --jobs 1", f"check --no-cache --jobs 1 <{n:,} files>", n,
         f"target < {many['target_s']:g} s: {'meets' if m[f'{n} files, --jobs 1'] < many['target_s'] else 'MISSES'}"),
        (f"{n} files, default jobs", f"check --no-cache --jobs N <{n:,} files>  (a worker per core)", n,
         (f"{many['speedup_workers']:.2f}x the speed of --jobs 1 ({many['cores']} cores); target < "
          f"{many['target_s']:g} s: {'meets' if m[f'{n} files, default jobs'] < many['target_s'] else 'MISSES'}")),
        (f"{n} files, cached", f"check <{n:,} files>  (cached)", n,
         (f"replayed in {many['cached_hits']} of {many['runs']} runs; "
          f"{fmt_ratio(m[f'{n} files, cached'] / m['python -c pass'])} of python -c pass")),
    ]
    for label, text, files, note in rows:
        per_file = fmt_time(m[label] / files) if files else ""
        print(f"   {text:<50}{fmt_time(m[label]):>10}{per_file:>11}{fmt_mb(rss[label]):>11}   {note}")
    if many["machine_speedup"] == many["machine_speedup"]:
        cores = many["cores"]
        print(f"   the machine's own parallel speed-up (baseline of the workers' figure): {cores} CPU-bound "
              f"processes at once do {many['machine_speedup']:.2f}x the work of one in the same time "
              f"({fmt_time(m[f'cpu-bound x{cores}'])} for {cores}x the work, {fmt_time(m['cpu-bound x1'])} for 1x); "
              f"the workers reach {fmt_ratio(many['speedup_workers'] / many['machine_speedup'])} of it")
    print(f"   time per file in the {n:,}-file check (--jobs 1): {fmt_time(many['per_file_serial_s'])}, "
          f"{fmt_ratio(many['per_file_ratio'])} of the single-file cold check ({fmt_time(m['1 file'])}, of which "
          f"{fmt_time(many['single_net_s'])} above python -c pass)")
    verdict = "linear" if many["marginal_ratio"] <= SUPERLINEAR_RATIO else "SUPERLINEAR"
    print(f"   each further file costs {fmt_time(many['marginal_small_s'])} from 1 to {middle} files and "
          f"{fmt_time(many['marginal_large_s'])} from {middle} to {n:,} (ratio {fmt_ratio(many['marginal_ratio'])}: "
          f"{verdict})")
    print(f"     measured: {many['cmd']}")


def summary(results: dict) -> list:
    rows = []
    many = results["many_files"]
    m, n = many["medians"], many["files"]
    rows.append((f"`check --no-cache --jobs 1` of {n:,} files", fmt_time(m[f"{n} files, --jobs 1"]),
                 f"1 file: {fmt_time(m['1 file'])}", fmt_ratio(m[f"{n} files, --jobs 1"] / m["1 file"]),
                 f"< {many['target_s']:g} s", meets(m[f"{n} files, --jobs 1"] < many["target_s"])))
    rows.append((f"`check --no-cache --jobs {many['cores']}` of {n:,} files (forked workers)",
                 fmt_time(m[f"{n} files, default jobs"]), f"`--jobs 1`: {fmt_time(m[f'{n} files, --jobs 1'])}",
                 f"{many['speedup_workers']:.2f}x speed-up", f"< {many['target_s']:g} s",
                 meets(m[f"{n} files, default jobs"] < many["target_s"])))
    if many["machine_speedup"] == many["machine_speedup"]:
        rows.append((f"workers' speed-up against the machine's own ({many['cores']} CPU-bound processes at once)",
                     f"{many['speedup_workers']:.2f}x", f"machine: {many['machine_speedup']:.2f}x",
                     fmt_ratio(many["speedup_workers"] / many["machine_speedup"]), "—", "—"))
    rows.append((f"`check` of {n:,} files, cached (replayed {many['cached_hits']}/{many['runs']})",
                 fmt_time(m[f"{n} files, cached"]), f"`python -c pass` {fmt_time(m['python -c pass'])}",
                 fmt_ratio(m[f"{n} files, cached"] / m["python -c pass"]), "—", "—"))
    rows.append((f"time per file in the {n:,}-file check (`--jobs 1`)", fmt_time(many["per_file_serial_s"]),
                 f"single-file cold check {fmt_time(m['1 file'])}", fmt_ratio(many["per_file_ratio"]), "—", "—"))
    rows.append((f"each further file, {many['middle']} → {n:,} files", fmt_time(many["marginal_large_s"]),
                 f"1 → {many['middle']} files: {fmt_time(many['marginal_small_s'])}", fmt_ratio(many["marginal_ratio"]),
                 f"≤ {SUPERLINEAR_RATIO:g}x (linear)", meets(many["marginal_ratio"] <= SUPERLINEAR_RATIO)))
    return rows
