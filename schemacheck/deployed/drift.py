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


def output_drift(repo: Job, deployed: Job, deployed_at: str) -> list[D.Diagnostic]:
    if repo.outputs is None or deployed.outputs is None:
        return []
    found = []
    theirs = {o.alias.lower(): o for o in deployed.outputs}
    ours = {o.alias.lower(): o for o in repo.outputs}
    for key, output in ours.items():
        other = theirs.get(key)
        if other is None:
            found.append(_finding(OUTPUT_SET, f"output {output.alias} is in the repository "
                                  f"({_shown(output.where, repo.source)}) but not deployed in {deployed_at}: "
                                  "removed in the portal, or not deployed yet",
                                  output.where, repo, output=output.alias,
                                  drift=("output", output.alias, _shown(output.where, repo.source), None, deployed_at)))
            continue
        fields = (("kind", output.kind, other.kind, False), ("datasource", output.datasource, other.datasource, True),
                  ("cluster", _cluster(output.cluster), _cluster(other.cluster), False),
                  ("database", output.database, other.database, False), ("table", output.table, other.table, False),
                  ("authentication", output.authentication, other.authentication, True))
        for name, mine, deployed_value, fold in fields:
            if name == "datasource" and (output.kind is not None or other.kind is not None):
                continue   # the kind says it (projects name data sources otherwise than ARM)
            if _differs(mine, deployed_value, fold):
                shown_mine = output.cluster if name == "cluster" else mine
                shown_theirs = other.cluster if name == "cluster" else deployed_value
                what = "server" if name == "cluster" and output.kind in ("sql", "synapse", "postgresql") else name
                found.append(_finding(
                    OUTPUT_TARGET, f"output {output.alias}: {what} {_value(shown_mine)} in the repository "
                    f"({_shown(output.where, repo.source)}), {_value(shown_theirs)} deployed ({deployed_at}/outputs/"
                    f"{other.alias})", output.where, repo, output=output.alias,
                    drift=(f"output {output.alias} {what}", shown_mine, _shown(output.where, repo.source),
                           shown_theirs, f"{deployed_at}/outputs/{other.alias}")))
    for key, other in theirs.items():
        if key not in ours:
            target = "/".join(p for p in (other.database, other.table) if p)
            described = f"{other.kind or other.datasource or 'an output'}" + (f" writing to {target}" if target else "")
            place = repo.outputs[0].where if repo.outputs else None
            found.append(_finding(OUTPUT_SET, f"output {other.alias} ({described}) is deployed ({deployed_at}/outputs/"
                                  f"{other.alias}) but not in the repository: added in the portal? Add it to the "
                                  "repository or remove it from the job", place, repo, output=other.alias,
                                  drift=("output", None, _shown(place, repo.source), other.alias,
                                         f"{deployed_at}/outputs/{other.alias}")))
    return found


def input_drift(repo: Job, deployed: Job, deployed_at: str) -> list[D.Diagnostic]:
    if repo.inputs is None or deployed.inputs is None:
        return []
    found = []
    theirs = {i.alias.lower(): i for i in deployed.inputs}
    ours = {i.alias.lower(): i for i in repo.inputs}
    for key, mine in ours.items():
        other = theirs.get(key)
        if other is None:
            found.append(_finding(INPUTS, f"input {mine.alias} is in the repository "
                                  f"({_shown(mine.where, repo.source)}) but not deployed in {deployed_at}",
                                  mine.where, repo,
                                  drift=("input", mine.alias, _shown(mine.where, repo.source), None, deployed_at)))
            continue
        stream = {True: "stream", False: "reference", None: None}
        for name, a, b in (("kind", mine.kind, other.kind), ("type", stream[mine.stream], stream[other.stream]),
                           ("serialization", mine.serialization, other.serialization)):
            if _differs(a, b, fold=True):
                found.append(_finding(INPUTS, f"input {mine.alias}: {name} {a} in the repository "
                                      f"({_shown(mine.where, repo.source)}), {b} deployed ({deployed_at}/inputs/"
                                      f"{other.alias})", mine.where, repo,
                                      drift=(f"input {mine.alias} {name}", a, _shown(mine.where, repo.source), b,
                                             f"{deployed_at}/inputs/{other.alias}")))
    for key, other in theirs.items():
        if key not in ours:
            place = repo.inputs[0].where if repo.inputs else None
            found.append(_finding(INPUTS, f"input {other.alias} ({other.kind or other.datasource or 'an input'}) is "
                                  f"deployed ({deployed_at}/inputs/{other.alias}) but not in the repository", place,
                                  repo, drift=("input", None, _shown(place, repo.source), other.alias,
                                               f"{deployed_at}/inputs/{other.alias}")))
    return found


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
    found = []
    theirs = {f.name.lower(): f for f in deployed.functions if f.name}
    ours = {f.name.lower(): f for f in repo.functions if f.name}
    for key, mine in ours.items():
        other = theirs.get(key)
        if other is None:
            found.append(_finding(FUNCTIONS, f"function {mine.name} is in the repository "
                                  f"({_shown(mine.where, repo.source)}) but not deployed in {deployed_at}",
                                  mine.where, repo, drift=("function", mine.name, _shown(mine.where, repo.source),
                                                           None, deployed_at)))
        elif not mine.unread and not other.unread and _differs(mine.output_type, other.output_type, fold=True):
            found.append(_finding(FUNCTIONS, f"function {mine.name} returns {mine.output_type} in the repository "
                                  f"({_shown(mine.where, repo.source)}), {other.output_type} deployed "
                                  f"({deployed_at}/functions/{other.name})", mine.where, repo,
                                  drift=(f"function {mine.name} output", mine.output_type,
                                         _shown(mine.where, repo.source), other.output_type,
                                         f"{deployed_at}/functions/{other.name}")))
    for key, other in theirs.items():
        if key not in ours:
            place = repo.functions[0].where if repo.functions else None
            found.append(_finding(FUNCTIONS, f"function {other.name} is deployed "
                                  f"({deployed_at}/functions/{other.name}) but not in the repository", place, repo,
                                  drift=("function", None, _shown(place, repo.source), other.name,
                                         f"{deployed_at}/functions/{other.name}")))
    return found


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
