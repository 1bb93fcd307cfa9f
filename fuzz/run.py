"""The long fuzz run: millions of generated and mutated inputs through schemacheck, in-process.

    python fuzz/run.py --inputs 1000000 --seed 1 [--workers 1] [--kinds query,job] [--replay INDEX]

Each input is made from `random.Random(seed, index)` alone, so any one of them can be made
again (`--replay INDEX` runs it and prints the traceback). The generators and targets are
tests/support/fuzzing.py's, with a plain random chooser instead of hypothesis; the kinds:

    query        a corpus query, one of our own, or a sentence of grammars/asaql.lark,
                 mutated 0-5 times as text -> analyze (level 1.0, 1.1 or 1.2)
    query-bytes  the same, encoded and mutated as bytes -> a .asaql file -> read_query + analyze
    schema       a schema file of any format (well-formed, mutated as text or as JSON, or
                 random) -> load_schemas, then the comparator against each table
    schema-bytes a well-formed schema file mutated as bytes -> the same
    job          a project or ARM template (ours, the sample, the job fixtures) with 1-3
                 files mutated -> `schemacheck check|infer|suggest PATH --format F [options] --debug`
    ddl          SQL DDL: CREATE/ALTER/DROP TABLE scripts in T-SQL or PostgreSQL from a small
                 grammar, mutated as text and bytes, in schemas/ beside a lone query with a SQL
                 output -> `schemacheck check|suggest q.asaql --schema S --target out=KIND:TABLE
                 --debug`; a refusal must be one stderr line naming the DDL file at a place in it
    iac          a Terraform module or Bicep file with its tables (tests/fixtures/iac, the HCL
                 samples) with 1-3 files mutated as text or bytes, emptied, deleted or made to
                 call themselves -> `schemacheck check|infer|suggest PATH --debug`
    deployed     a drift rule's example (a project and deployed.json, the job as ARM's REST API
                 answers it), mostly deployed.json mutated -> `schemacheck drift . --deployed-file
                 deployed.json --debug`
    fabric       a Microsoft Fabric workspace (tests/fixtures/fabric/workspace whole or one
                 Eventstream at a time, the Eventstream rules' examples, our own Eventstream with
                 an operator of every type; fuzz/fabric_inputs.py) with 1-3 files mutated:
                 eventstream.json as a document (wrong types, missing keys, inputNodes cycles,
                 odd names, operators of every type with mutated properties, ManageFields
                 columns), as text or bytes, renamed or deleted; .platform; DatabaseSchema.kql;
                 the folders -> `schemacheck check|infer|suggest PATH --debug`

The property: the target returns or raises a SchemacheckError, within --time-limit
seconds, and no message shows a grammar-internal name (tests/support/fuzzing.py, check_outcome).
Anything else is a crash: its input is written to fuzz/crashes/<signature>/ (the first few
of each signature, the first one also shrunk where the input is one file, or its largest
DDL file) and the run goes on. A crash of a bug already known (tests/support/fuzzing.py KNOWN_BUGS,
each held by an xfail test) has the signature KIND:known:NAME; the run ends with exit code 1
only for new ones (--no-known: every crash as what it raises). Each signature is listed with
the command that replays its first input.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import re
import shutil
import sys
import time
import traceback
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import support.fuzzing as F  # noqa: E402
from fabric_inputs import fabric_input, fabric_seeds  # noqa: E402

KINDS = {"query": 0.45, "query-bytes": 0.08, "schema": 0.13, "schema-bytes": 0.05, "job": 0.13, "ddl": 0.08,
         "iac": 0.08, "deployed": 0.04, "fabric": 0.04}
# Kinds whose input is a folder of files for the command line (fuzzing.run_job), of which the
# first input of a crash is shrunk file by file (_save_shrunk_folder); a job input is not shrunk.
FOLDER_KINDS = ("iac", "deployed", "fabric")
LEVELS = ("1.2", "1.2", "1.1", "1.0")
KEEP_PER_SIGNATURE = 3
SENTENCES = 400   # grammar sentences made at start


class Generator:
    """Makes input `index` of a run and runs it; everything it needs is built once."""

    def __init__(self, seed: int, kinds: dict[str, float], scratch: Path, known: bool = True) -> None:
        self.seed = seed
        self.kinds = list(kinds)
        self.weights = [kinds[k] for k in self.kinds]
        self.scratch = scratch
        self.queries = F.query_seeds()
        self.jobs = F.job_seeds()
        self.iac = F.iac_seeds()
        self.deployed = F.deployed_seeds()
        self.fabric = fabric_seeds()
        self.grammar = None
        self.sentences: list[str] = []
        self.known = F.KNOWN_BUGS if known else ()   # known bugs: signatures KIND:known:NAME
        if "query" in kinds or "query-bytes" in kinds:
            self.grammar = _grammar_words()
            ch = self.chooser(-1)
            self.sentences = [F.grammar_sentence(ch, *self.grammar) for _ in range(SENTENCES)]

    def chooser(self, index: int) -> F.RandomChooser:
        return F.RandomChooser(random.Random(self.seed * 1_000_000_007 + index))

    def query_text(self, ch) -> str:
        if self.grammar is not None and ch.coin(0.3):
            # a fresh sentence now and then; most come from the pool made at start (faster)
            text = F.grammar_sentence(ch, *self.grammar) if ch.coin(0.1) else ch.pick(self.sentences)
        else:
            text = ch.pick(self.queries)
        if ch.coin(0.9):
            text = F.mutate_text_times(ch, text, F.QUERY_WORDS)
        return text

    def make(self, index: int):
        """(kind, run: () -> messages, sources, what to save: {name: bytes}, extra)."""
        ch = self.chooser(index)
        kind = ch.rng.choices(self.kinds, self.weights)[0]
        folder = self.scratch / "input"
        if kind == "query":
            text, level = self.query_text(ch), ch.pick(LEVELS)
            return kind, (lambda: F.run_query(text, level)), [text], {"query.asaql": text}, {"level": level}
        if kind == "query-bytes":
            data, level = F.bytes_of(ch, self.query_text(ch)), ch.pick(LEVELS)
            return kind, (lambda: F.run_query_file(folder, data, level)), F.sources_of(data), \
                {"query.asaql": data}, {"level": level}
        if kind == "schema":
            pick = ch.below(100)
            name, text = F.mutated_schema_file(ch) if pick < 70 else F.schema_file(ch) if pick < 85 \
                else F.random_schema_file(ch)
            data = text.encode("utf-8", "surrogatepass")
            return kind, (lambda: F.run_schema_file(folder, name, data)), F.sources_of(name, data), {name: data}, {}
        if kind == "schema-bytes":
            name, text = F.schema_file(ch)
            data = F.bytes_of(ch, text)
            return kind, (lambda: F.run_schema_file(folder, name, data)), F.sources_of(name, data), {name: data}, {}
        if kind == "ddl":
            files, argv = F.ddl_input(ch)
            return kind, (lambda: F.run_ddl(folder, files, argv, self.known)), F.sources_of(files, argv), files, \
                {"argv": argv}
        if kind == "deployed":
            files, argv = F.deployed_input(ch, self.deployed)
            return kind, (lambda: F.run_job(folder, files, argv)), F.sources_of(files, argv), files, {"argv": argv}
        if kind == "fabric":
            files, argv = fabric_input(ch, self.fabric)
            return kind, (lambda: F.run_job(folder, files, argv)), F.sources_of(files, argv), files, {"argv": argv}
        files, argv = F.iac_input(ch, self.iac) if kind == "iac" else F.job_input(ch, self.jobs)
        return kind, (lambda: F.run_job(folder, files, argv)), F.sources_of(files, argv), files, {"argv": argv}


def _grammar_words():
    """test_properties' grammar tables, and for each terminal a pool of spellings drawn
    from its hypothesis strategy (once, at start)."""
    from hypothesis import strategies as st
    from hypothesis.errors import NonInteractiveExampleWarning
    from support.asa_queries import _grammar_tables

    tables = _grammar_tables()
    pools = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        for terminal, strategy in tables[2].items():
            pools[terminal] = sorted(set(st.lists(strategy, min_size=40, max_size=40).example()))
    return tables, pools


# ---- crashes --------------------------------------------------------------------------------

def signature(kind: str, error: BaseException) -> str:
    """What tells two crashes apart: the exception type and the innermost frame of
    schemacheck (file:function), or for a leak the leaked words."""
    if isinstance(error, AssertionError) and error.args and isinstance(error.args[0], tuple):
        leaks = error.args[0][0]
        return f"{kind}:leak:{','.join(sorted(set(map(str, leaks))))}"
    if isinstance(error, F.BadAnswer):
        return f"{kind}:bad-answer:{error.reason}"
    if isinstance(error, F.KnownBug):
        return f"{kind}:known:{error.name}"
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/schemacheck/" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].name}" if frames else "harness"
    return f"{kind}:{type(error).__name__}:{where}"


def _slug(text: str) -> str:
    digest = hashlib.sha1(text.encode()).hexdigest()[:8]
    return re.sub(r"[^A-Za-z0-9.-]+", "-", text)[:60].strip("-") + "-" + digest


def save(crashes: Path, sig: str, count: int, index: int, seed: int, files: dict, extra: dict,
         error: BaseException) -> Path:
    folder = crashes / _slug(sig) / str(count)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = folder / "input" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    meta = {"signature": sig, "seed": seed, "index": index, **extra,
            "traceback": "".join(traceback.format_exception(error))}
    (folder / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return folder


def shrink(data, still_fails, budget: int = 400):
    """A smaller input (str or bytes) for which `still_fails` holds: chunks removed, halving."""
    chunk = max(1, len(data) // 2)
    tries = 0
    while chunk >= 1 and tries < budget:
        start, removed = 0, False
        while start < len(data) and tries < budget:
            candidate = data[:start] + data[start + chunk:]
            tries += 1
            if still_fails(candidate):
                data, removed = candidate, True
            else:
                start += chunk
        if not removed:
            chunk //= 2
    return data


# ---- the run ---------------------------------------------------------------------------------

def worker(args) -> dict:
    seed, first, last, step, kinds, time_limit, crashes, progress, known = args
    F.TIME_LIMIT = time_limit
    scratch = Path(os.environ.get("FUZZ_SCRATCH", "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp")) / \
        f"schemacheck-fuzz-{os.getpid()}"
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        return _work(seed, first, last, step, kinds, crashes, progress, scratch, known)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _work(seed, first, last, step, kinds, crashes, progress, scratch: Path, known: bool = True) -> dict:
    generator = Generator(seed, kinds, scratch, known)
    tried: dict[str, int] = dict.fromkeys(kinds, 0)
    outcomes: dict[str, int] = {}
    found: dict[str, dict] = {}
    slow = []
    started = last_report = time.perf_counter()
    for index in range(first, last, step):
        kind, run, sources, files, extra = generator.make(index)
        tried[kind] += 1
        began = time.perf_counter()
        try:
            outcome, _messages = F.check_outcome(run, sources, generator.known)
            if kind in ("job", "ddl", "fabric") and F.LAST_EXIT_CODE == 2:
                outcome = "error"   # the command line printed our error (exit code 2)
            outcomes[f"{kind}:{outcome}"] = outcomes.get(f"{kind}:{outcome}", 0) + 1
        except (Exception, F.Hang) as error:   # a crash: anything but our own errors, a hang, a leak
            sig = signature(kind, error)
            entry = found.setdefault(sig, {"count": 0, "first_index": index, "saved": []})
            entry["count"] += 1
            if len(entry["saved"]) < KEEP_PER_SIGNATURE:
                folder = save(crashes, sig, len(entry["saved"]), index, seed, files, extra, error)
                entry["saved"].append(str(folder))
                if len(entry["saved"]) == 1 and kind in FOLDER_KINDS:
                    _save_shrunk_folder(generator, kind, files, extra, sig, folder)
                elif len(entry["saved"]) == 1 and kind != "job":
                    _save_shrunk(generator, kind, files, extra, sig, folder)
                print(f"crash {sig} at input {index} -> {folder}", flush=True)
        elapsed = time.perf_counter() - began
        if elapsed > 1.0:
            slow.append((round(elapsed, 2), kind, index))
        now = time.perf_counter()
        if progress and now - last_report > 60:
            last_report = now
            done = sum(tried.values())
            print(f"[{time.strftime('%H:%M:%S')}] {done} inputs, {done / (now - started):.0f}/s, "
                  f"{len(found)} crash signatures", flush=True)
    return {"tried": tried, "outcomes": outcomes, "crashes": found, "slow": sorted(slow, reverse=True)[:20],
            "seconds": time.perf_counter() - started}


def _save_shrunk(generator: Generator, kind: str, files: dict, extra: dict, sig: str, folder: Path) -> None:
    """Shrink a one-file input to a smaller one with the same signature; save it beside.
    Of a DDL input, the largest DDL file is shrunk, the other files kept."""
    if kind == "ddl":
        name = max((n for n in files if n.endswith(".sql")), key=lambda n: len(files[n]))
        data = files[name]
    else:
        (name, data), = files.items()
    folder_in = generator.scratch / "shrink"

    def run(candidate):
        if kind == "ddl":
            return F.run_ddl(folder_in, {**files, name: candidate}, extra["argv"], generator.known)
        if kind == "query":
            return F.run_query(candidate, extra["level"])
        if kind == "query-bytes":
            return F.run_query_file(folder_in, candidate, extra["level"])
        return F.run_schema_file(folder_in, name, candidate)

    def still_fails(candidate) -> bool:
        try:
            F.check_outcome(lambda: run(candidate), F.sources_of(candidate, extra.get("argv", ())), generator.known)
        except (Exception, F.Hang) as error:
            return signature(kind, error) == sig
        return False

    small = shrink(data, still_fails)
    path = folder / ("shrunk-" + name.replace("/", "-"))
    path.write_bytes(small if isinstance(small, bytes) else small.encode("utf-8", "surrogatepass"))


def _save_shrunk_folder(generator: Generator, kind: str, files: dict, extra: dict, sig: str, folder: Path,
                        budget: int = 600) -> None:
    """Shrink a folder input to a smaller one with the same signature, saved beside as
    shrunk-input/: the files it needs not left out (one at a time), then each file left
    shrunk, the largest first, within `budget` runs in all."""
    folder_in = generator.scratch / "shrink"
    argv = extra["argv"]
    runs = 0

    def still_fails(candidate: dict) -> bool:
        nonlocal runs
        runs += 1
        try:
            F.check_outcome(lambda: F.run_job(folder_in, candidate, argv), F.sources_of(candidate, argv),
                            generator.known)
        except (Exception, F.Hang) as error:
            return signature(kind, error) == sig
        return False

    files = dict(files)
    for name in sorted(files):
        if len(files) > 1 and runs < budget and still_fails({n: d for n, d in files.items() if n != name}):
            del files[name]
    for name in sorted(files, key=lambda n: -len(files[n])):
        if runs >= budget:
            break
        files[name] = shrink(files[name], lambda data, name=name: still_fails({**files, name: data}),
                             budget=min(200, budget - runs))
    for name, data in files.items():
        path = folder / "shrunk-input" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def replay(seed: int, index: int, kinds: dict, known: bool = True) -> None:
    scratch = Path("/tmp") / f"schemacheck-fuzz-replay-{os.getpid()}"
    generator = Generator(seed, kinds, scratch, known)
    kind, run, sources, files, extra = generator.make(index)
    print(f"input {index}: {kind} {extra}")
    for name, data in files.items():
        print(f"--- {name}\n{data[:2000]!r}")
    try:
        print(F.check_outcome(run, sources, generator.known))
    except BaseException:
        traceback.print_exc()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated: " + ", ".join(KINDS))
    parser.add_argument("--time-limit", type=float, default=F.TIME_LIMIT, help="seconds per input")
    parser.add_argument("--crashes", default=str(HERE / "crashes"))
    parser.add_argument("--replay", type=int, help="run input INDEX of the seed and show what happens "
                        "(with the same --kinds as the run: the kinds' shares choose each input's kind)")
    parser.add_argument("--no-known", dest="known", action="store_false",
                        help="report the known bugs (tests/support/fuzzing.py KNOWN_BUGS) as what they raise, "
                        "not as KIND:known:NAME")
    options = parser.parse_args(argv)
    kinds = {k: KINDS[k] for k in options.kinds.split(",")}
    if options.replay is not None:
        replay(options.seed, options.replay, kinds, options.known)
        return 0
    crashes = Path(options.crashes)
    crashes.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    jobs = [(options.seed, w, options.inputs, options.workers, kinds, options.time_limit, crashes, w == 0,
             options.known) for w in range(options.workers)]
    if options.workers == 1:
        results = [worker(jobs[0])]
    else:
        with multiprocessing.Pool(options.workers) as pool:
            results = pool.map(worker, jobs)
    wall = time.perf_counter() - started
    tried = {k: sum(r["tried"][k] for r in results) for k in kinds}
    outcomes: dict[str, int] = {}
    crashes_found: dict[str, dict] = {}
    for result in results:
        for key, value in result["outcomes"].items():
            outcomes[key] = outcomes.get(key, 0) + value
        for sig, entry in result["crashes"].items():
            merged = crashes_found.setdefault(sig, {"count": 0, "first_index": entry["first_index"], "saved": []})
            merged["count"] += entry["count"]
            merged["saved"] += entry["saved"]
    total = sum(tried.values())
    print(f"\nseed {options.seed}: {total} inputs in {wall:.0f} s ({total / wall:.0f} inputs/s, "
          f"{options.workers} worker{'s' if options.workers > 1 else ''})")
    for kind in kinds:
        ok, error = outcomes.get(f"{kind}:ok", 0), outcomes.get(f"{kind}:error", 0)
        print(f"  {kind:13} {tried[kind]:8}   accepted {ok}, refused with our error {error}, "
              f"crashed {tried[kind] - ok - error}")
    slow = sorted((s for r in results for s in r["slow"]), reverse=True)[:5]
    if slow:
        print("slowest inputs (s, kind, index): " + ", ".join(map(str, slow)))
    tests = {name: test for name, _pattern, test in F.KNOWN_BUGS}
    new = [sig for sig in crashes_found if ":known:" not in sig]
    print(f"crash signatures: {len(crashes_found)} ({len(new)} new, {len(crashes_found) - len(new)} known)")
    replay_kinds = "" if options.kinds == ",".join(KINDS) else f" --kinds {options.kinds}"
    for sig, entry in sorted(crashes_found.items()):
        known = tests.get(sig.rsplit(":known:", 1)[-1]) if ":known:" in sig else None
        print(f"  {sig}: {entry['count']} inputs, first {entry['first_index']}, saved {entry['saved'][:1]}"
              + (f" (known: tests/robustness/test_bad_inputs.py::{known}, xfail)" if known else ""))
        print(f"      replay: python fuzz/run.py --seed {options.seed}{replay_kinds} --replay {entry['first_index']}")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
