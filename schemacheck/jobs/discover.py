"""Command-line paths -> the jobs to check, each once.

A path may be a query (`.asaql`), a VS Code project (`asaproj.json` or its folder), a
Visual Studio project (`.asaproj`), an ARM template (`--parameters FILE`, else a
`<name>.parameters.json` beside it), any other file of a project (a pre-commit hook
passes the files that changed: `JobConfig.json`, `Outputs/x.json`, a saved schema), or
a directory, which is searched for all of these. A Microsoft Fabric `*.Eventstream`
folder (or a file in it) is one job per SQL operator (schemacheck.jobs.fabric); a KQL
database's `DatabaseSchema.kql` stands for the Eventstreams of its workspace folder.

- A query is checked with its project's settings when a project above it names it as its
  start file; else it is a lone query.
- A template that deploys the same query with the same outputs as a project found in the
  same run is that project's job (`Found.also`), not a second one.
- A file of a folder with schemacheck.toml that the configuration reads (the file itself,
  a file under its `schemas`, or under a --schema path) stands for the queries of that
  folder: it is covered when they are checked in this run, whichever path came first.
- A file of another kind (Terraform, Bicep, SQL DDL or a table schema given as PATH, a
  REST export of a job) is an `Unreadable` saying what it is and where it belongs
  (schemacheck.jobs.recognise); a directory scan lists the job-like files it does not
  read as `Skipped`, with why.
- With `hook` (the pre-commit hook passes every changed file that matches its pattern),
  a file that belongs to no job is skipped quietly.

Paths are kept as given, normalised (`./jobs/a.asaql` is `jobs/a.asaql`), so every report
shows one form of each path.

Every path yields its jobs or an `Unreadable` naming the file and the problem; one bad
project never hides the others.
"""

from __future__ import annotations

import os

from schemacheck.errors import InputError
from schemacheck.files import QUERY_SUFFIXES, Skipped, Unreadable, display_path, folder_names, listed_once
from schemacheck.jobs.model import Job, Query
from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.jobs.iac_discovery import IacIndex

PROJECT_FILE = "asaproj.json"
VS_PROJECT_SUFFIX = ".asaproj"
SKIPPED_DIRECTORIES = {"node_modules", "__pycache__", "bin", "obj", "venv", "site-packages"}


@record
class Found(Record):
    """A job and how it was found: the parameters file of a template, the templates that
    deploy the same job (reported with it, not again), and for a query that sits in a
    project without being its start file, the start file (the query is checked with the
    project's settings)."""

    job: Job
    parameters: str | None = None
    also: tuple[str, ...] = ()
    start_file: str | None = None   # set when the query is not its project's start file (this one)


def normalised(path: str) -> str:
    """`path` without `./` and doubled separators (`.` stays `.`); URLs as given."""
    return path if "://" in path else os.path.normpath(path)


def lone_query(path: str) -> Job:
    from schemacheck.files import read_query

    return Job(None, "query", path, os.path.dirname(path) or ".", Query(read_query(path), path))


# How parameters files are named beside their template NAME.json (cicd build, quickstarts).
PARAMETERS_SUFFIXES = (".parameters.json", ".params.json")


def _parameters_beside(template: str) -> str | None:
    """NAME.parameters.json (or .params.json) beside NAME.json; parameters.json beside a
    portal export's template.json; the only *.JobTemplate.parameters.json beside a
    *.JobTemplate.json (azure-streamanalytics-cicd names them after the project)."""
    stem = template[:-5] if template.lower().endswith(".json") else template
    for suffix in PARAMETERS_SUFFIXES:
        if os.path.isfile(stem + suffix):
            return stem + suffix
    folder = os.path.dirname(template) or "."
    name = os.path.basename(template).lower()
    if name == "template.json" and os.path.isfile(os.path.join(folder, "parameters.json")):
        return os.path.join(folder, "parameters.json")
    if name.endswith(".jobtemplate.json"):
        return _the_only(folder, ".jobtemplate.parameters.json")
    return None


def _the_only(folder: str, suffix: str) -> str | None:
    """The one file of `folder` whose name ends with `suffix` (any case), if there is one."""
    try:
        found = [n for n in os.listdir(folder) if n.lower().endswith(suffix)]
    except OSError:
        return None
    return os.path.join(folder, found[0]) if len(found) == 1 else None


def _is_parameters_file(path: str) -> bool:
    return path.lower().endswith(PARAMETERS_SUFFIXES) or os.path.basename(path).lower() == "parameters.json"


def _template_of(parameters: str) -> str | None:
    """The template a parameters file stands beside (the reverse of _parameters_beside)."""
    lowered = parameters.lower()
    for suffix in PARAMETERS_SUFFIXES:
        if lowered.endswith(suffix) and os.path.isfile(parameters[: -len(suffix)] + ".json"):
            return parameters[: -len(suffix)] + ".json"
    folder = os.path.dirname(parameters) or "."
    if os.path.basename(lowered) == "parameters.json" and os.path.isfile(os.path.join(folder, "template.json")):
        return os.path.join(folder, "template.json")
    if lowered.endswith(".jobtemplate.parameters.json"):
        return _the_only(folder, ".jobtemplate.json")
    return None


def _template_text(path: str) -> bool:
    """Whether the file may be a template, read as read_text_file reads it (UTF-16 with its
    byte order mark too), leniently: an undecodable one is refused when it is read."""
    import codecs

    from schemacheck.jobs.kinds import looks_like_template

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return False
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not data.startswith(codecs.BOM_UTF32_LE)
    return looks_like_template(data.decode("utf-16" if utf16 else "utf-8", errors="replace"))


class _Finder:
    def __init__(self, parameters: str | None, hook: bool = False, schemas: tuple[str, ...] = ()) -> None:
        self._index: IacIndex | None = None
        self.parameters = parameters
        self.hook = hook
        self.schemas = tuple(os.path.abspath(p) for p in schemas)   # --schema paths
        self.results: list[Found | Unreadable | Skipped] = []
        self.seen: set[tuple] = set()
        self.claimed_queries: set[str] = set()
        self.claimed_templates: set[str] = set()   # ARM templates a Terraform deployment reads

    @property
    def index(self):
        """What this run knows of the Terraform and Bicep files (made when first needed)."""
        if self._index is None:
            from schemacheck.jobs.iac_discovery import IacIndex

            self._index = IacIndex()
        return self._index

    # ---- adding ---------------------------------------------------------------
    def _once(self, key: tuple) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def project(self, path: str) -> None:
        from schemacheck.jobs.project import read_vs_project, read_vscode_project

        if not self._once(("project", os.path.realpath(path))):
            return
        try:
            job = read_vs_project(path) if path.lower().endswith(VS_PROJECT_SUFFIX) else read_vscode_project(path)
        except InputError as error:
            self.results.append(Unreadable.of(error) if error.file else Unreadable(path, error.message))
            return
        if job.query is not None:
            real = os.path.realpath(job.query.file)
            if real in self.claimed_queries:
                return  # an asaproj.json and a .asaproj beside it that run the same query: one job
            self.claimed_queries.add(real)
        self.results.append(Found(job))

    def template(self, path: str, parameters: str | None) -> None:
        from schemacheck.jobs.arm import read_template

        parameters = parameters or _parameters_beside(path)
        key = ("template", os.path.realpath(path), os.path.realpath(parameters) if parameters else None)
        if not self._once(key):
            return
        try:
            jobs = read_template(path, parameters)
        except InputError as error:
            self.results.append(Unreadable.of(error) if error.file else Unreadable(path, error.message))
            return
        if not jobs:
            self.results.append(Unreadable(path, "holds no Microsoft.StreamAnalytics/streamingjobs resource"))
        self.results.extend(Found(job, parameters) for job in jobs)

    def query(self, path: str, alone: bool = False, scanned: str | None = None) -> None:
        """A query file: its project's job when a project above names it, the Terraform or
        Bicep jobs that read it (found below `scanned`, the folder a scan found it in), else
        a lone query."""
        if not alone:
            from schemacheck.jobs.project import find_project_for

            project = find_project_for(path)
            if project is not None:
                self.project(_like(project, path))
                return
            if os.path.realpath(path) in self.claimed_queries or self.iac_readers(path, scanned):
                return
        real = os.path.realpath(path)
        if not self._once(("query", real)):
            return
        try:
            job = lone_query(path)
        except InputError as error:
            self.results.append(Unreadable.of(error) if error.file else Unreadable(path, error.message))
            return
        self.results.append(self._with_project_settings(job) if not alone else Found(job))

    def _with_project_settings(self, lone: Job) -> Found:
        """A query in a project's folder that the project does not run: the project's level,
        outputs, functions and inputs still say what the query may write."""
        from schemacheck.jobs.project import read_vs_project, read_vscode_project

        enclosing = _enclosing_project(lone.source)
        if enclosing is None:
            return Found(lone)
        try:
            project = read_vs_project(enclosing) if enclosing.lower().endswith(VS_PROJECT_SUFFIX) \
                else read_vscode_project(enclosing)
        except InputError:
            return Found(lone)
        start = project.query.file if project.query is not None else None
        job = project._replace(query=lone.query, source=_like(project.source, lone.source))
        return Found(job, start_file=_like(start, lone.source) if start else None)

    # ---- paths ----------------------------------------------------------------
    def path(self, path: str) -> None:
        from schemacheck.jobs.recognise import (
            BICEP,
            BICEP_PARAMETERS,
            TERRAFORM,
            TERRAFORM_VARIABLES,
            database_schema_workspace,
            eventstream_of,
            recognise,
        )

        path = normalised(path)
        lowered = path.lower()
        if eventstream_of(path) is not None:
            self.eventstream(eventstream_of(path) or path)
        elif os.path.isdir(path):
            self.directory(path)
        elif not os.path.exists(path):
            self.results.append(Unreadable(path, "no such file"))
        elif lowered.endswith(".tf.json"):
            self.not_read(path, TERRAFORM)
        elif recognise(path) == TERRAFORM:
            for root in self.terraform_roots(os.path.dirname(path) or "."):
                self.terraform(root)
        elif recognise(path) == TERRAFORM_VARIABLES:
            from schemacheck.jobs.terraform import auto_loaded

            self.terraform(os.path.dirname(path) or ".", () if auto_loaded(path) else (path,))
        elif recognise(path) == BICEP:
            for entry in self.bicep_entries(path):
                self.bicep(entry, self.parameters)
        elif recognise(path) == BICEP_PARAMETERS:
            self.bicep_parameters(path)
        elif database_schema_workspace(path) is not None and self.workspace_eventstreams(path):
            pass   # a KQL database's tables: the Eventstreams of its workspace folder are checked
        elif os.path.basename(lowered) == PROJECT_FILE or lowered.endswith(VS_PROJECT_SUFFIX):
            self.project(path)
        elif lowered.endswith(QUERY_SUFFIXES):
            self.query(path)
        elif lowered.endswith(".json") and not _is_parameters_file(path) and _template_text(path):
            if self.parameters is not None or not self.iac_readers(path):
                self.template(path, self.parameters)   # else checked as the Terraform deployment that reads it
        else:
            self.other_file(path)

    # ---- Fabric Eventstreams ----------------------------------------------------------
    def eventstream(self, folder: str, scanned: bool = False) -> None:
        """The jobs of a `*.Eventstream` folder: one per SQL operator (schemacheck.jobs.fabric).
        One without a SQL operator is said so when given (a scan and the hook pass it quietly)."""
        from schemacheck.jobs.fabric import read_eventstream

        if not self._once(("eventstream", os.path.realpath(folder))):
            return
        try:
            jobs = read_eventstream(folder)
        except InputError as error:
            self.results.append(Unreadable.of(error) if error.file else Unreadable(folder, error.message))
            return
        if not jobs and not self.hook and not scanned:
            self.results.append(Unreadable(folder, "this Eventstream has no SQL operator: it runs no query to check"))
        self.results.extend(Found(job) for job in jobs)

    def workspace_eventstreams(self, schema: str) -> bool:
        """The Eventstreams of the Fabric workspace folder that holds the KQL database whose
        DatabaseSchema.kql is `schema` (its tables are theirs); whether there are any."""
        from schemacheck.jobs.fabric import eventstreams_below
        from schemacheck.jobs.recognise import database_schema_workspace

        workspace = database_schema_workspace(schema)
        if workspace is None:
            return False
        folders = eventstreams_below(_like(workspace, schema))
        for folder in folders:
            self.eventstream(folder, scanned=True)
        return bool(folders)

    # ---- Terraform and Bicep ----------------------------------------------------
    def terraform(self, directory: str, var_files: tuple[str, ...] = (), scanned: bool = False) -> None:
        """The jobs of the root module in `directory` (with the variables files given). A
        module a directory scan found that defines no job is said so only when its text
        names one (a template deployment of something else is not a job's)."""
        from schemacheck.jobs.terraform import read_terraform, terraform_files

        key = ("terraform", os.path.realpath(directory), tuple(os.path.realpath(v) for v in var_files))
        if not self._once(key):
            return
        try:
            jobs = read_terraform(directory, var_files)
        except InputError as error:
            self.results.append(Unreadable.of(error) if error.file else Unreadable(directory, error.message))
            return
        jobs = self.with_named_ddl(jobs, [(f, os.path.dirname(f) or ".") for d in self.index.tf_modules(directory)
                                          for f in self.index.tf_files(d)], directory)
        if not jobs and not self.hook and not (scanned and not self.index.tf_names_a_job(directory, deployments=False)):
            files = terraform_files(directory)
            self.results.append(Unreadable(files[0] if files else directory, "this Terraform module defines no "
                                           "streaming job (an azurerm_stream_analytics_job, or an azapi_resource of "
                                           "type Microsoft.StreamAnalytics/streamingjobs)"))
        self.found_jobs(jobs, var_files[0] if var_files else None)

    def bicep(self, path: str, parameters: str | None = None) -> None:
        """The jobs a Bicep file deploys, with its parameters file: the one given, else a
        .bicepparam beside it that uses it, else NAME.parameters.json beside it."""
        from schemacheck.jobs.bicep import read_bicep

        parameters = parameters or _bicep_parameters_beside(path)
        key = ("bicep", os.path.realpath(path), os.path.realpath(parameters) if parameters else None)
        if not self._once(key):
            return
        try:
            jobs = read_bicep(path, parameters)
        except InputError as error:
            self.results.append(Unreadable.of(error) if error.file else Unreadable(path, error.message))
            return
        jobs = self.with_named_ddl(jobs, [(f, os.path.dirname(f) or ".") for f in self.index.bicep_modules(path)],
                                   os.path.dirname(path) or ".")
        if not jobs and not self.hook:
            self.results.append(Unreadable(path, "deploys no streaming job (a resource of type "
                                                 "Microsoft.StreamAnalytics/streamingjobs, in it or its modules)"))
        self.found_jobs(jobs, parameters)

    def with_named_ddl(self, jobs: list[Job], sources: list[tuple[str, str]], root: str) -> list[Job]:
        """The jobs with the SQL DDL files their Terraform or Bicep files name (from `root`,
        Terraform's path.root, when the file is not beside the one that names it)."""
        from schemacheck.jobs.iac_discovery import named_sql_files

        if not jobs:
            return jobs
        found = named_sql_files(self.index, sources + [(f, root) for f, _ in sources])
        return [job._replace(schema_files=found) for job in jobs] if found else jobs

    def bicep_parameters(self, path: str) -> None:
        from schemacheck.jobs.bicep import using_target

        try:
            target = using_target(path)
        except InputError as error:
            self.results.append(Unreadable.of(error))
            return
        if target is None:
            if not self.hook:
                self.results.append(Unreadable(path, "its `using` names no local .bicep file: there is nothing to "
                                                     "read it with"))
            return
        self.bicep(target, path)

    def found_jobs(self, jobs: list[Job], parameters: str | None) -> None:
        for job in jobs:
            if job.query is not None and job.query.file.lower().endswith(".json"):
                # a template a Terraform deployment reads: checked with the deployment's values
                self.claimed_templates.add(os.path.realpath(job.query.file))
            if job.query is not None and job.query.placed is None and job.query.json_string_at is None \
                    and job.query.at is None:
                self.claimed_queries.add(os.path.realpath(job.query.file))   # a query file the job reads
            self.results.append(Found(job, parameters))

    def terraform_roots(self, directory: str, seen: set | None = None) -> list[str]:
        """The root modules that call `directory` as a module (through any chain), or the
        directory itself when none does."""
        seen = set() if seen is None else seen
        key = os.path.realpath(directory)
        if key in seen:
            return []
        seen.add(key)
        callers, _ = self.index.callers(os.path.join(directory, "main.tf"))
        callers = [c for c in callers if os.path.realpath(c) != key]
        if not callers:
            return [directory]
        return [root for caller in callers for root in self.terraform_roots(caller, seen)]

    def bicep_entries(self, path: str, seen: set | None = None) -> list[str]:
        """The Bicep files that deploy `path` as a module (through any chain), or itself."""
        seen = set() if seen is None else seen
        key = os.path.realpath(path)
        if key in seen:
            return []
        seen.add(key)
        _, callers = self.index.callers(path)
        callers = [c for c in callers if os.path.realpath(c) != key]
        if not callers:
            return [path]
        return [entry for caller in callers for entry in self.bicep_entries(caller, seen)]

    def iac_readers(self, path: str, within: str | None = None) -> bool:
        """Read the Terraform modules and Bicep files that read `path` (a query or script
        they load by name); whether there were any."""
        terraform, bicep = self.index.callers(path, os.path.realpath(within) if within else None)
        for directory in terraform:
            for root in self.terraform_roots(directory):
                self.terraform(root)
        for file in bicep:
            for entry in self.bicep_entries(file):
                self.bicep(entry)
        return bool(terraform or bicep)

    def not_read(self, path: str, kind: str) -> None:
        """A file of a kind schemacheck does not read as PATH: say what it is and where it
        belongs (the hook skips it quietly: it belongs to no job schemacheck reads)."""
        from schemacheck.jobs.recognise import misplaced

        if not self.hook:
            self.results.append(Unreadable(path, misplaced(kind, path, "PATH")))

    def other_file(self, path: str) -> None:
        """A file of a project, a template's parameters, a file the configuration reads, or
        (explicitly given) a query with another suffix."""
        from schemacheck.jobs.project import find_project_for
        from schemacheck.jobs.recognise import KUSTO_SCHEMA, OTHER, QUERY, REST_JOB, SQL_DDL, recognise

        project = find_project_for(path)
        if project is not None:
            self.project(_like(project, path))
            return
        template = _template_of(path) if _is_parameters_file(path) else None
        if template is not None:
            self.template(template, path)
            return
        enclosing = _enclosing_project(path)
        enclosing = _like(enclosing, path) if enclosing else None
        if enclosing is not None:
            self.project(enclosing)
            return
        if path.lower().endswith((".kql", ".csl", ".sql", ".json", ".txt", ".saql")) and self.iac_readers(path):
            return   # a script or query a Terraform or Bicep file reads
        owner = self._owner(path)
        if owner is not None and self.directory(owner, quiet=True):
            return   # covered: the jobs that read this file are checked in this run
        if self.hook:
            return   # a changed file that belongs to no job
        lowered = path.lower()
        if not lowered.endswith((".json", ".kql", ".csl", ".cslschema", ".csv", ".toml", ".sql")):
            self.query(path, alone=True)
            return
        try:
            from schemacheck.files import read_text_file

            kind = recognise(path, read_text_file(path, "file"))
        except InputError as error:
            self.results.append(Unreadable.of(error))
            return
        if kind == QUERY:
            self.query(path, alone=True)
        elif kind in (SQL_DDL, KUSTO_SCHEMA, REST_JOB):
            from schemacheck.jobs.recognise import misplaced

            self.results.append(Unreadable(path, misplaced(kind, path, "PATH")))
        else:
            self.results.append(Unreadable(path, "is not a query, an ASA project or a template, and no job uses "
                                                 "it; give the query, project or template to check"
                                           if kind == OTHER or not lowered.endswith(".toml") else
                                           "is a configuration, but no query, project or template lies below its "
                                           "folder"))

    def _owner(self, path: str) -> str | None:
        """The folder whose jobs read `path`: the nearest configuration's folder when the file
        is that configuration or lies under its schemas (its outputs' too) or a --schema
        path; the working directory for a --schema path without a configuration."""
        from schemacheck.config import find_config

        config = find_config(path)
        real = os.path.abspath(path)
        config_dir = (os.path.dirname(config.path) or ".") if config.path else None
        read = list(config.schemas) + [p for o in (config.outputs or {}).values() for p in (o.schemas or ())]
        if config.path is not None and (real == os.path.abspath(config.path) or _under_any(real, read)):
            return config_dir
        if _under_any(real, self.schemas):
            return config_dir or "."
        return None

    def directory(self, root: str, quiet: bool = False) -> int:
        """Every job below `root`; returns how many (found now or earlier in this run)."""
        from schemacheck.jobs.recognise import job_like

        projects, queries, templates, unread = [], [], [], []
        tf_dirs: list[str] = []
        bicep_files: list[str] = []
        bicep_parameters: list[str] = []
        eventstreams: list[str] = []   # Fabric *.Eventstream folders (read as a whole, not searched)
        unlisted: list[OSError] = []    # folders that cannot be listed: reported, never skipped in silence
        for directory, subdirectories, names in os.walk(root, onerror=unlisted.append):
            subdirectories[:] = sorted(d for d in subdirectories
                                       if not d.startswith(".") and d not in SKIPPED_DIRECTORIES)
            eventstreams.extend(normalised(os.path.join(directory, d)) for d in subdirectories
                                if d.lower().endswith(".eventstream"))
            subdirectories[:] = [d for d in subdirectories if not d.lower().endswith(".eventstream")]
            for name in sorted(names):
                path = normalised(os.path.join(directory, name))
                lowered = name.lower()
                if lowered == PROJECT_FILE or lowered.endswith(VS_PROJECT_SUFFIX):
                    projects.append(path)
                elif lowered.endswith(QUERY_SUFFIXES):
                    queries.append(path)
                elif lowered.endswith(".json") and not _is_parameters_file(name) and _template_text(path):
                    templates.append(path)
                elif lowered.endswith(".tf"):
                    if not tf_dirs or tf_dirs[-1] != normalised(directory):
                        tf_dirs.append(normalised(directory))
                elif lowered.endswith(".bicep"):
                    bicep_files.append(path)
                elif lowered.endswith(".bicepparam"):
                    bicep_parameters.append(path)
                elif not quiet and job_like(path):
                    unread.append(path)
        if not quiet:
            for error in unlisted:
                why = ("permission denied" if isinstance(error, PermissionError) else
                       error.strerror or type(error).__name__)
                self.results.append(Unreadable(error.filename or root, f"{why}: the folder cannot be listed, so "
                                                                       "what it holds is not checked"))
            self.skipped(unread)
        index = self.index
        tf_roots = [d for d in index.tf_roots(tf_dirs) if index.tf_names_a_job(d)]
        bicep_roots = [f for f in index.bicep_roots(bicep_files) if index.bicep_names_a_job(f)]
        if not (projects or queries or templates or tf_roots or bicep_roots or eventstreams):
            if not quiet and not unlisted and not unread:
                self.results.append(Unreadable(root, "no .asaql query, ASA project (asaproj.json, .asaproj), ARM "
                                                     "template, Terraform module, Bicep file of a streaming job "
                                                     "or Fabric Eventstream in this directory"))
            return 0
        # asaproj.json before a Visual Studio .asaproj of the same folder: the current format wins.
        projects.sort(key=lambda p: (os.path.dirname(p), os.path.basename(p).lower() != PROJECT_FILE))
        for path in projects:
            self.project(path)
        for directory in tf_roots:
            self.terraform(directory, scanned=True)
        for path in templates:
            if os.path.realpath(path) not in self.claimed_templates:
                self.template(path, None)
        with_parameters = set()
        for path in bicep_parameters:
            from schemacheck.jobs.bicep import using_target

            try:
                target = using_target(path)
            except InputError as error:
                self.results.append(Unreadable.of(error))
                continue
            if target is not None and os.path.realpath(target) in {os.path.realpath(f) for f in bicep_roots}:
                with_parameters.add(os.path.realpath(target))
                self.bicep(target, path)
        for path in bicep_roots:
            if os.path.realpath(path) not in with_parameters:
                self.bicep(path)
        for path in queries:
            if os.path.realpath(path) not in self.claimed_queries:
                self.query(path, scanned=root)
        for folder in eventstreams:
            self.eventstream(folder, scanned=True)
        return len(projects) + len(templates) + len(queries) + len(tf_roots) + len(bicep_roots) + len(eventstreams)

    def skipped(self, paths: list[str]) -> None:
        """Job-like files a directory scan found and does not read, each listed once with why."""
        from schemacheck.jobs.recognise import misplaced, recognise

        for path in paths:
            if self._once(("skipped", os.path.realpath(path))):
                kind = recognise(path, "" if not path.lower().endswith(".json") else _head(path))
                self.results.append(Skipped(path, misplaced(kind, path, "PATH")))

    # ---- the same job reached as a project and as a template ------------------
    def merged(self) -> list[Found | Unreadable | Skipped]:
        projects = [f for f in self.results if isinstance(f, Found) and f.job.form in ("vscode", "vs")]
        result: list[Found | Unreadable | Skipped] = []
        also: dict[int, list[str]] = {}
        for found in self.results:
            if isinstance(found, Found) and found.job.form == "arm":
                twin = next((p for p in projects if _same_job(p.job, found.job)), None)
                if twin is not None:
                    also.setdefault(id(twin), []).append(found.job.source)
                    continue
            result.append(found)
        return [f._replace(also=tuple(also[id(f)])) if isinstance(f, Found) and id(f) in also else f
                for f in result]


def _normalised_query(job: Job) -> str | None:
    if job.query is None:
        return None
    return "\n".join(line.rstrip() for line in job.query.text.strip().splitlines())


def _same_job(project: Job, template: Job) -> bool:
    if _normalised_query(project) is None or _normalised_query(project) != _normalised_query(template):
        return False
    aliases = {o.alias.lower() for o in project.outputs or ()}
    return aliases == {o.alias.lower() for o in template.outputs or ()}


def _enclosing_project(path: str) -> str | None:
    """The project file (asaproj.json, else a .asaproj) of the nearest folder above `path`
    that has one, stopping at the top of a git work tree: a saved schema under a project's
    schemas/ folder belongs to that project's job."""
    directory = os.path.dirname(os.path.abspath(path))
    while True:
        names = sorted(folder_names(directory))
        if PROJECT_FILE in names:
            return os.path.join(directory, PROJECT_FILE)
        legacy = [n for n in names if n.lower().endswith(VS_PROJECT_SUFFIX)]
        if legacy:
            return os.path.join(directory, legacy[0])
        parent = os.path.dirname(directory)
        if ".git" in names or parent == directory:
            return None
        directory = parent


def _like(found: str, given: str) -> str:
    """`found` spelled like the path it was found from: absolute if that was, else relative."""
    return os.path.abspath(found) if os.path.isabs(given) else display_path(found)


def _config_folder(path: str) -> str | None:
    """The folder of the nearest schemacheck.toml (or pyproject.toml naming schemacheck) above `path`."""
    from schemacheck.config import find_config

    config = find_config(path)
    return os.path.dirname(config.path) or "." if config.path else None


def _bicep_parameters_beside(path: str) -> str | None:
    """NAME.bicepparam or NAME.parameters.json beside NAME.bicep (the first that exists)."""
    stem = path[:-len(".bicep")]
    for candidate in (stem + ".bicepparam", stem + ".parameters.json"):
        if os.path.isfile(candidate):
            return candidate
    return None


def _under_any(path: str, folders) -> bool:
    """Whether the absolute `path` is one of `folders` or lies below one."""
    for folder in folders:
        folder = os.path.abspath(folder)
        if path == folder or path.startswith(folder.rstrip(os.sep) + os.sep):
            return True
    return False


def _head(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read(1 << 20).decode("utf-8", errors="replace")
    except OSError:
        return ""


def find_jobs(paths: list[str], parameters: str | None = None, hook: bool = False,
              schemas: tuple[str, ...] = ()) -> list[Found | Unreadable | Skipped]:
    """The jobs the paths stand for, each once, in the order found (see the module doc).
    `hook`: files that belong to no job are skipped quietly; `schemas`: the --schema paths
    (a changed file under one stands for the jobs that read it)."""
    finder = _Finder(parameters, hook, schemas)
    with listed_once():
        for path in paths:
            finder.path(path)
        return finder.merged()
