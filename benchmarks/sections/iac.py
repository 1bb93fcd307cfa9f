"""9. Terraform, Bicep and Fabric: what reading a job from its infrastructure code costs.
`python -c pass` (baseline), `schemacheck check --no-cache <ADX-only sample>` (a VS Code
project), and `schemacheck check --no-cache` of two jobs written as infrastructure code with their
tables in Kusto scripts (copies of tests/fixtures/iac/terraform-azapi-adx, a Terraform root module
with an azapi ADX output and a heredoc query, and tests/fixtures/iac/bicep-children, a Bicep file
with its .bicepparam, a ''' query and its tables loaded from a .kql file), and of a Fabric
workspace folder (a copy of tests/fixtures/fabric/workspace: five Eventstreams, one KQL database,
ManageFields and GroupBy operators), alternated in one loop of --cold-runs runs. Target: each <= 10x python -c pass. Then the import profiles: the Terraform
check imports the HCL reader and not the Bicep one (and no lark, pydantic, sqlglot or azure); the
project's check (section 2's profile) imports neither reader.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from harness.common import REPO, BenchError, fmt_ratio, fmt_time, median, meets, probe_report_command, time_interleaved
from harness.imports import IAC_MODULES, IMPORTTIME_RUNS, measure_importtime, print_imports
from harness.install import Venv

IAC_TARGET_RATIO = 10.0
CASES = {"terraform": "iac/terraform-azapi-adx", "bicep": "iac/bicep-children", "fabric": "fabric/workspace"}
JOBS = tuple(CASES)
# Terraform's check imports the HCL reader and no Bicep module; nothing heavy either way.
TERRAFORM_WATCH = (("lark", False), ("pydantic", False), ("sqlglot", False), ("azure", False),
                   ("schemacheck.jobs.terraform", True), ("schemacheck.jobs.hcl", True),
                   ("schemacheck.jobs.bicep", False), ("schemacheck.jobs.bicep_syntax", False))


def copy_cases(work: Path) -> dict[str, Path]:
    copies = {}
    for key, name in CASES.items():
        source = REPO / "tests" / "fixtures" / name
        if not source.is_dir():
            raise BenchError(f"{source} is missing")
        target = work / name.replace('/', '-')
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("expected*.json"))
        copies[key] = target
    return copies


def measure_iac(venv: Venv, runs: int, work: Path, adx_only: Path, check_imports: dict) -> dict:
    copies = copy_cases(work)
    sc = str(venv.schemacheck)
    labels = {"baseline": "python -c pass", "project": "check, VS Code project",
              "terraform": "check, Terraform module", "bicep": "check, Bicep file",
              "fabric": "check, Fabric workspace"}
    commands = {labels["baseline"]: [str(venv.python), "-c", "pass"],
                labels["project"]: [sc, "check", "--no-cache", str(adx_only)],
                labels["terraform"]: [sc, "check", "--no-cache", str(copies["terraform"])],
                labels["bicep"]: [sc, "check", "--no-cache", str(copies["bicep"])],
                labels["fabric"]: [sc, "check", "--no-cache", str(copies["fabric"])]}
    summaries = {}
    for key in JOBS:
        probe = probe_report_command(commands[labels[key]], work, f"`schemacheck check` of the {key} job")
        if "compared" not in probe.stdout.strip().splitlines()[-1]:
            raise BenchError(f"the {key} job's check compared no output:\n{probe.stdout[-1000:]}")
        summaries[key] = probe.stdout.strip().splitlines()[-1]
    samples = time_interleaved(commands, runs, work)
    medians = {key: median(samples[label]) for key, label in labels.items()}
    terraform_imports = measure_importtime(venv, work, min(IMPORTTIME_RUNS, runs), copies["terraform"], "check",
                                           TERRAFORM_WATCH)
    project_iac = sorted(m for m in check_imports["schemacheck_modules"] if m in IAC_MODULES)
    return {
        "runs": runs,
        "commands": {key: " ".join(commands[label]) for key, label in labels.items()},
        "summaries": summaries,
        "medians": medians,
        "ratios": {key: medians[key] / medians["baseline"] for key in labels},
        "over_project": {key: medians[key] / medians["project"] for key in JOBS},
        "target_ratio": IAC_TARGET_RATIO,
        "terraform_importtime": terraform_imports,
        "project_imports_iac": project_iac,
        "samples": samples,
    }


def report(results: dict) -> None:
    iac = results["iac"]
    print(f"\n9. TERRAFORM, BICEP AND FABRIC  (subprocess wall time, output to DEVNULL, {iac['runs']} runs each, "
          f"the five commands alternated)")
    rows = (("baseline: python -c pass", "baseline"), ("schemacheck check --no-cache <ADX-only sample>", "project"),
            ("schemacheck check --no-cache <Terraform module>", "terraform"),
            ("schemacheck check --no-cache <Bicep file + .bicepparam>", "bicep"),
            ("schemacheck check --no-cache <Fabric workspace folder>", "fabric"))
    for label, key in rows:
        extra = ""
        if key in JOBS:
            verdict = "meets" if iac["ratios"][key] <= IAC_TARGET_RATIO else "MISSES"
            extra = (f" of python -c pass, {fmt_ratio(iac['over_project'][key])} the project's check "
                     f"(target <= {IAC_TARGET_RATIO:g}x: {verdict})")
        print(f"   {label:<58}{fmt_time(iac['medians'][key]):>10}   {fmt_ratio(iac['ratios'][key])}{extra}")
    for key in JOBS:
        print(f"     {key}: {iac['commands'][key]}  -> \"{iac['summaries'][key].rsplit(': ', 1)[-1]}\"")
    print("   the project's check imports a Terraform or Bicep module: "
          + (", ".join(iac["project_imports_iac"]) if iac["project_imports_iac"] else "none (as it should)"))
    print_imports(iac["terraform_importtime"], "Terraform check")


def summary(results: dict) -> list:
    iac = results["iac"]
    rows = []
    for key, what in (("terraform", "a Terraform module (azapi ADX output, heredoc query, Kusto script)"),
                      ("bicep", "a Bicep file with its .bicepparam (''' query, tables from a .kql file)"),
                      ("fabric", "a Fabric workspace folder (5 Eventstreams, a KQL database, operators)")):
        rows.append((f"`schemacheck check --no-cache` on {what}, cold", fmt_time(iac["medians"][key]),
                     f"`python -c pass` {fmt_time(iac['medians']['baseline'])}", fmt_ratio(iac["ratios"][key]),
                     f"≤ {IAC_TARGET_RATIO:g}x", meets(iac["ratios"][key] <= IAC_TARGET_RATIO)))
    forbidden = [root for root, w in iac["terraform_importtime"]["watched"].items() if w["imported"] != w["expected"]]
    rows.append(("a project's check imports no Terraform or Bicep module; Terraform's no Bicep one, no lark",
                 ", ".join(iac["project_imports_iac"] + forbidden) or "as expected", "—", "—", "none",
                 meets(not iac["project_imports_iac"] and not forbidden)))
    return rows
