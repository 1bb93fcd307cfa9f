"""Drift: the repository's job against the same job as deployed, one finding per difference.

    drift(repo_job, deployed) -> [Diagnostic]      (rules SC701-SC707, at the repository's place)
    pair(repo_jobs, deployed_jobs, one_each)       -> which repository job goes with which deployed one

What is compared, and how:

- the query, token by token with whitespace and comments left out (a re-indented or
  commented query has not drifted; a changed alias, literal or keyword case has);
- outputs by alias (ASA compares aliases without regard to case): added, removed, and
  each one's kind, cluster (ingestion and engine URIs of a cluster are the same cluster),
  database, table, server, authentication mode;
- inputs by alias: added, removed, kind, stream or reference, serialization;
- compatibility level, data locale, output error policy (values compared without case);
- the identity: none, system- or user-assigned, and which user-assigned identities;
- functions by name: added, removed, declared return type.

A value the repository does not state (a template parameter without a value, a setting
left out) is not compared: what it deploys as is not known from the files.
"""

from __future__ import annotations

from schemacheck import diagnostics as D
from schemacheck.jobs.model import Job, Where

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from schemacheck.deployed.resource import Deployed

QUERY, OUTPUT_SET, OUTPUT_TARGET, INPUTS, SETTING, IDENTITY, FUNCTIONS = (
    "SC701", "SC702", "SC703", "SC704", "SC705", "SC706", "SC707")
NOT_DEPLOYED = "SC708"


def _place(where: Where | None, fallback: str) -> tuple[str, int, int]:
    if where is None:
        return fallback, 1, 1
    return where.file, where.line or 1, where.column or 1


def _shown(where: Where | None, fallback: str) -> str:
    from schemacheck.jobs.model import where_text

    return where_text(where, fallback)


def _finding(code: str, message: str, where: Where | None, job: Job, **fields) -> D.Diagnostic:
    file, line, column = _place(where, job.source)
    return D.Diagnostic(code, D.default_severity(code), message, file, line, column, **fields)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """The query's tokens (text, line, column), whitespace and comments left out. Names
    are compared as written: ASA writes a column's name as the query spells it (from level
    1.1), so `deviceId` against `DeviceId` is drift."""
    from schemacheck.asa.lexer import TOKEN

    tokens = []
    line, at, line_start = 1, 0, 0
    for match in TOKEN.finditer(text):
        newlines = text.count("\n", at, match.start())
        if newlines:
            line += newlines
            line_start = text.rfind("\n", 0, match.start()) + 1
        at = match.start()
        if match.lastgroup in ("ws", "comment"):
            continue
        tokens.append((match.group(0), line, match.start() - line_start + 1))
    return tokens


def query_drift(repo: Job, deployed: Job, deployed_at: str) -> list[D.Diagnostic]:
    """SC701 at the first token where the queries differ (none when they differ only in
    whitespace or comments)."""
    if repo.query is None or deployed.query is None:
        return []
    ours, theirs = _tokens(repo.query.text), _tokens(deployed.query.text)
    if [t[0] for t in ours] == [t[0] for t in theirs]:
        return []
    index = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a[0] != b[0]), min(len(ours), len(theirs)))
    our_line = ours[index][1] if index < len(ours) else (ours[-1][1] if ours else 1)
    our_column = ours[index][2] if index < len(ours) else 1
    their_line = theirs[index][1] if index < len(theirs) else (theirs[-1][1] if theirs else 1)
    our_text = _line(repo.query.text, our_line) if index < len(ours) else "(the query ends here)"
    their_text = _line(deployed.query.text, their_line) if index < len(theirs) else "(the deployed query ends here)"
    message = (f"the query differs from the deployed one at line {our_line}: here `{our_text}`, deployed "
               f"`{their_text}` (line {their_line} of the query of {deployed_at}); whitespace and comments aside")
    found = D.Diagnostic(QUERY, D.default_severity(QUERY), message, repo.query.file, our_line, our_column,
                         drift=("query", our_text, f"{repo.query.file}:{our_line}", their_text,
                                f"{deployed_at} (query line {their_line})"))
    from schemacheck.asa.analysis import QueryAnalysis
    from schemacheck.check.positions import relocate

    return list(relocate(QueryAnalysis(repo.query.file, (), ()), [found], repo.query)[1])


def _line(text: str, number: int) -> str:
    lines = text.splitlines()
    line = lines[number - 1].strip() if 0 < number <= len(lines) else ""
    return line if len(line) <= 120 else line[:117] + "..."


def _cluster(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip().rstrip("/").lower()
    if "://" not in text:
        text = "https://" + text
    scheme, _, rest = text.partition("://")
    host, _, path = rest.partition("/")
    if host.startswith("ingest-"):
        host = host[len("ingest-"):]
    return f"{scheme}://{host}" + (f"/{path}" if path else "")


def _differs(ours: str | None, theirs: str | None, fold: bool = False) -> bool:
    if ours is None or theirs is None:   # not stated: not compared
        return False
    if fold:
        return ours.strip().lower() != theirs.strip().lower()
    return ours.strip() != theirs.strip()


def _value(text: str | None) -> str:
    return "(not set)" if text is None else text


def _named_drift(code: str, noun: str, collection: str, ours: tuple, theirs: tuple, name_of, differences,
                 described, repo: Job, deployed_at: str, added_hint: str = "", output: bool = False
                 ) -> list[D.Diagnostic]:
    """Drift between two collections of named things (outputs, inputs, functions), matched
    by name without regard to case: one finding for each thing only one side has, and one
    for each of `differences(mine, deployed)`: (what, repository value, deployed value)."""
    found = []
    mine_by = {name_of(item).lower(): item for item in ours if name_of(item)}
    theirs_by = {name_of(item).lower(): item for item in theirs if name_of(item)}
    for key, mine in mine_by.items():
        name, at = name_of(mine), _shown(mine.where, repo.source)
        fields = {"output": name} if output else {}
        other = theirs_by.get(key)
        if other is None:
            found.append(_finding(code, f"{noun} {name} is in the repository ({at}) but not deployed in "
                                  f"{deployed_at}" + (": removed in the portal, or not deployed yet" if output else ""),
                                  mine.where, repo, drift=(noun, name, at, None, deployed_at), **fields))
            continue
        there = f"{deployed_at}/{collection}/{name_of(other)}"
        for what, a, b in differences(mine, other):
            found.append(_finding(code, f"{noun} {name}: {what} {_value(a)} in the repository ({at}), {_value(b)} "
                                  f"deployed ({there})", mine.where, repo,
                                  drift=(f"{noun} {name} {what}", a, at, b, there), **fields))
    place = ours[0].where if ours else None
    for key, other in theirs_by.items():
        if key not in mine_by:
            name = name_of(other)
            there = f"{deployed_at}/{collection}/{name}"
            fields = {"output": name} if output else {}
            found.append(_finding(code, f"{noun} {name} ({described(other)}) is deployed ({there}) but not in the "
                                  f"repository{added_hint}", place, repo,
                                  drift=(noun, None, _shown(place, repo.source), name, there), **fields))
    return found


def output_drift(repo: Job, deployed: Job, deployed_at: str) -> list[D.Diagnostic]:
    if repo.outputs is None or deployed.outputs is None:
        return []

    def differences(mine, other):
        sql = mine.kind in ("sql", "synapse", "postgresql")
        # The data source's name only where neither kind is known: projects name them otherwise than ARM.
        pairs = [("kind", mine.kind, other.kind, False)] + (
            [("datasource", mine.datasource, other.datasource, True)] if mine.kind is None and other.kind is None
            else [])
        for what, a, b, fold in pairs + [("database", mine.database, other.database, False),
                                         ("table", mine.table, other.table, False),
                                         ("authentication", mine.authentication, other.authentication, True)]:
            if _differs(a, b, fold):
                yield what, a, b
        if _differs(_cluster(mine.cluster), _cluster(other.cluster)):
            yield ("server" if sql else "cluster"), mine.cluster, other.cluster

    def described(other):
        target = "/".join(p for p in (other.database, other.table) if p)
        return f"{other.kind or other.datasource or 'an output'}" + (f" writing to {target}" if target else "")

    found = _named_drift(OUTPUT_TARGET, "output", "outputs", repo.outputs, deployed.outputs, lambda o: o.alias,
                         differences, described, repo, deployed_at,
                         ": added in the portal? Add it to the repository or remove it from the job", output=True)
    # Outputs only one side has are SC702; a changed target SC703.
    return [d._replace(code=OUTPUT_SET, severity=D.default_severity(OUTPUT_SET))
            if d.drift is not None and d.drift[0] == "output" else d for d in found]


def input_drift(repo: Job, deployed: Job, deployed_at: str) -> list[D.Diagnostic]:
    if repo.inputs is None or deployed.inputs is None:
        return []
    stream = {True: "stream", False: "reference", None: None}

    def differences(mine, other):
        for what, a, b in (("kind", mine.kind, other.kind), ("type", stream[mine.stream], stream[other.stream]),
                           ("serialization", mine.serialization, other.serialization)):
            if _differs(a, b, fold=True):
                yield what, a, b

    return _named_drift(INPUTS, "input", "inputs", repo.inputs, deployed.inputs, lambda i: i.alias, differences,
                        lambda other: other.kind or other.datasource or "an input", repo, deployed_at)


def setting_drift(repo: Job, deployed: Job, deployed_at: str) -> list[D.Diagnostic]:
    found = []
    for what, mine, theirs in (("compatibility level", repo.compat_level, deployed.compat_level),
                               ("data locale", repo.data_locale, deployed.data_locale),
                               ("output error policy", repo.error_policy, deployed.error_policy)):
        if _differs(mine.value, theirs.value, fold=True):
            found.append(_finding(SETTING, f"{what}: {mine.value} in the repository "
                                  f"({_shown(mine.where, repo.source)}), {theirs.value} deployed ({deployed_at})",
                                  mine.where, repo,
                                  drift=(what, mine.value, _shown(mine.where, repo.source), theirs.value,
                                         deployed_at)))
    return found


def _identity_text(kind: str, resources: tuple[str, ...]) -> str:
    if kind == "user":
        names = ", ".join(r.rstrip("/").rsplit("/", 1)[-1] for r in resources)
        return f"user-assigned ({names})" if names else "user-assigned"
    return {"system": "system-assigned", "none": "none"}.get(kind, kind)


def identity_drift(repo: Job, deployed: Job, deployed_at: str) -> list[D.Diagnostic]:
    mine, theirs = repo.identity, deployed.identity
    if mine.kind == "unknown" or theirs.kind == "unknown":
        return []
    same_kind = mine.kind == theirs.kind
    same_users = {r.lower().rstrip("/") for r in mine.resources} == {r.lower().rstrip("/") for r in theirs.resources}
    if same_kind and (mine.kind != "user" or same_users or not mine.resources):
        return []
    a, b = _identity_text(mine.kind, mine.resources), _identity_text(theirs.kind, theirs.resources)
    return [_finding(IDENTITY, f"managed identity: {a} in the repository ({_shown(mine.where, repo.source)}), {b} "
                     f"deployed ({deployed_at}); the roles on the ADX database are granted to the deployed one",
                     mine.where, repo, drift=("identity", a, _shown(mine.where, repo.source), b, deployed_at))]


def function_drift(repo: Job, deployed: Job, deployed_at: str) -> list[D.Diagnostic]:
    if repo.functions is None or deployed.functions is None:
        return []

    def differences(mine, other):
        if not mine.unread and not other.unread and _differs(mine.output_type, other.output_type, fold=True):
            yield "return type", mine.output_type, other.output_type

    return _named_drift(FUNCTIONS, "function", "functions", repo.functions, deployed.functions, lambda f: f.name,
                        differences, lambda other: "a UDA" if other.aggregate else "a UDF", repo, deployed_at)


def drift(repo: Job, deployed: Job, deployed_at: str) -> list[D.Diagnostic]:
    """Every difference between the repository's `repo` and the `deployed` job (read from
    `deployed_at`: its resource id or saved file), at the repository's places."""
    found = (query_drift(repo, deployed, deployed_at) + output_drift(repo, deployed, deployed_at)
             + input_drift(repo, deployed, deployed_at) + setting_drift(repo, deployed, deployed_at)
             + identity_drift(repo, deployed, deployed_at) + function_drift(repo, deployed, deployed_at))
    # What could not be read of the deployed job was not compared: say so, at the deployed job.
    found += [D.Diagnostic(note.code, D.default_severity(note.code), f"the deployed job: {note.message}",
                           deployed_at, note.where.line or 1, note.where.column or 1) for note in deployed.notes]
    return sorted(found, key=D.sort_key)


def not_deployed(repo: Job, scope: str) -> D.Diagnostic:
    """SC708: no deployed job goes with the repository's `repo` in `scope`."""
    return D.Diagnostic(NOT_DEPLOYED, D.default_severity(NOT_DEPLOYED),
                        f"job {repo.name or '(unnamed)'} is in the repository but no deployed job of that name was "
                        f"found in {scope}", repo.source, 1, 1, drift=("job", repo.name, repo.source, None, scope))


def pair(repo_jobs: list[Job], deployed: list[Deployed], one_each: bool) -> list[tuple[Job, Deployed | None]]:
    """Each repository job with its deployed job: by name (case-insensitive, as Azure names
    resources), or, when `one_each` (one job on each side), with each other."""
    if one_each and len(repo_jobs) == 1 and len(deployed) == 1:
        return [(repo_jobs[0], deployed[0])]
    by_name: dict[str, Deployed] = {}
    for item in deployed:
        by_name.setdefault(item.name.lower(), item)
    return [(job, by_name.get((job.name or "").lower())) for job in repo_jobs]
