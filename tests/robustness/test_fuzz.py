"""Fuzzing, short budget (fuzz/run.py is the long run): whatever the input, schemacheck
answers or raises its own error (SchemacheckError: InputError, UsageError), within a time
limit, and no message shows a grammar-internal name or a Python exception.

Inputs (tests/support/fuzzing.py makes them; hypothesis draws every choice, so a failure shrinks):
- queries: support.asa_queries' mutated corpus and own queries, sentences of the grammar, and
  mutated sentences and valid queries -> analyze, at each compatibility level;
- query files as bytes: encodings, byte order marks, invalid UTF-8, NUL -> read_query + analyze;
- schema files of every format, well-formed, mutated as text or as JSON, or random, and as
  bytes -> load_schemas, then the comparator against each table loaded;
- job folders (projects, templates) with some files mutated -> the command line, in-process;
- SQL DDL (CREATE/ALTER/DROP TABLE in T-SQL or PostgreSQL, from a small grammar, mutated as
  text and bytes) beside a lone query with a SQL output -> `check|suggest --target
  out=KIND:TABLE`, in-process: a refusal is one stderr line naming the DDL file, at a place
  inside it.

An input that hits a known bug (fuzzing.KNOWN_BUGS, each an xfail test of
test_bad_inputs.py or test_bad_ddl_inputs.py) is passed over, so that the short budget goes on looking for new ones.

The regression tests at the end are the crashes the fuzzing found, each as a minimal input
of our own.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import support.fuzzing as F
from schemacheck.errors import InputError
from conftest import run_cli
from support.asa_queries import grammar_sentences, mutated_queries, mutation, valid_queries

SETTINGS = settings(max_examples=300, deadline=None,   # the time limit is fuzzing.time_limit's
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
QUERY_SETTINGS = settings(SETTINGS, max_examples=200)   # grammar sentences are slow to draw
JOB_SETTINGS = settings(SETTINGS, max_examples=200)
DDL_SETTINGS = settings(SETTINGS, max_examples=100)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


# ---- strategies -----------------------------------------------------------------------------------

def chosen(make):
    """A strategy from a fuzzing generator that takes a chooser."""
    return st.composite(lambda draw: make(F.DrawChooser(draw)))()


queries = st.one_of(
    mutated_queries(),
    grammar_sentences(),
    grammar_sentences().flatmap(mutation),
    valid_queries().flatmap(lambda query: mutation(query[0])),
    st.sampled_from(F.query_seeds()).flatmap(lambda text: chosen(lambda ch: F.mutate_text_times(ch, text))),
)
levels = st.sampled_from(["1.0", "1.1", "1.2"])
query_bytes = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(F.query_seeds()).flatmap(lambda text: chosen(lambda ch: F.bytes_of(ch, text))),
    mutated_queries().flatmap(lambda text: chosen(lambda ch: F.bytes_of(ch, text))),
)
schema_files = st.one_of(chosen(F.mutated_schema_file), chosen(F.schema_file), chosen(F.random_schema_file))
schema_bytes = st.one_of(
    chosen(lambda ch: (lambda name, text: (name, F.bytes_of(ch, text)))(*F.schema_file(ch))),
    st.tuples(st.sampled_from(["T.json", "tables.kql", "T.csl", "T.cslschema", "export.csv"]), st.binary(max_size=100)),
)
JOB_SEEDS = F.job_seeds()
job_inputs = chosen(lambda ch: F.job_input(ch, JOB_SEEDS))
IAC_SEEDS = F.iac_seeds()
iac_inputs = chosen(lambda ch: F.iac_input(ch, IAC_SEEDS))
ddl_inputs = chosen(F.ddl_input)
DEPLOYED_SEEDS = F.deployed_seeds()
deployed_inputs = chosen(lambda ch: F.deployed_input(ch, DEPLOYED_SEEDS))


# ---- the properties ---------------------------------------------------------------------------------

def outcome_of(run, sources) -> tuple[str, list[str]]:
    """fuzzing.check_outcome; ("known", [name]) for an input that hits a known bug."""
    try:
        return F.check_outcome(run, sources)
    except F.KnownBug as bug:
        event(f"known bug: {bug.name}")
        return "known", [bug.name]


@QUERY_SETTINGS
@given(queries, levels)
def test_any_query_is_analysed_in_time_without_internal_names(text, level):
    outcome, _messages = outcome_of(lambda: F.run_query(text, level), [text])
    assert outcome == "ok"   # analyze never raises, not even our own errors


@SETTINGS
@given(query_bytes)
def test_any_query_file_is_analysed_or_refused_as_input(folder, data):
    outcome, messages = outcome_of(lambda: F.run_query_file(folder, data), F.sources_of(data))
    if outcome == "error":
        assert messages[0]


@SETTINGS
@given(schema_files)
def test_any_schema_file_is_loaded_or_refused_as_input(folder, file):
    name, text = file
    data = text.encode("utf-8", "surrogatepass")
    outcome_of(lambda: F.run_schema_file(folder, name, data), F.sources_of(name, data))


@SETTINGS
@given(schema_bytes)
def test_any_schema_file_bytes_are_loaded_or_refused_as_input(folder, file):
    name, data = file
    outcome_of(lambda: F.run_schema_file(folder, name, data), F.sources_of(name, data))


@JOB_SETTINGS
@given(job_inputs)
def test_any_job_folder_is_checked_or_refused_as_input(folder, job):
    files, argv = job
    if outcome_of(lambda: F.run_job(folder / "job", files, argv), F.sources_of(files, argv))[0] != "known":
        assert F.LAST_EXIT_CODE in (0, 1, 2)


@JOB_SETTINGS
@given(iac_inputs)
def test_any_terraform_or_bicep_folder_is_checked_or_refused_as_input(folder, job):
    files, argv = job
    if outcome_of(lambda: F.run_job(folder / "iac", files, argv), F.sources_of(files, argv))[0] != "known":
        assert F.LAST_EXIT_CODE in (0, 1, 2)


@JOB_SETTINGS
@given(deployed_inputs)
def test_any_saved_deployed_job_is_compared_or_refused_as_input(folder, job):
    files, argv = job
    if outcome_of(lambda: F.run_job(folder / "deployed", files, argv), F.sources_of(files, argv))[0] != "known":
        assert F.LAST_EXIT_CODE in (0, 1, 2)


def test_the_deployed_seeds_drift_as_their_rules_say(folder):
    seeds = F.deployed_seeds()
    assert len(seeds) == 8
    for index, seed in enumerate(seeds):
        files = {name: text.encode("utf-8") for name, text in seed.items()}
        F.check_outcome(lambda: F.run_job(folder / f"deployed{index}", files, ["drift", ".", "--deployed-file",
                                                                              "deployed.json", "--format", "json",
                                                                              "--no-cache", "--debug"]), [])
        assert F.LAST_EXIT_CODE == 1, (index, F.LAST_STDERR)


def test_the_terraform_and_bicep_seeds_are_checked_without_errors_of_input(folder):
    cases = F.iac_seeds(samples=False)   # whole jobs (the HCL samples define none)
    assert len(cases) >= 6
    for index, seed in enumerate(cases):
        files = {name: text.encode("utf-8") for name, text in seed.items()}
        F.check_outcome(lambda: F.run_job(folder / f"iac{index}", files, ["check", ".", "--format", "json",
                                                                         "--no-cache", "--debug"]), [])
        assert F.LAST_EXIT_CODE in (0, 1), (index, F.LAST_STDERR)


@DDL_SETTINGS
@given(ddl_inputs)
def test_any_ddl_is_checked_or_refused_in_one_line(folder, ddl):
    files, argv = ddl
    if outcome_of(lambda: F.run_ddl(folder / "ddl", files, argv, F.KNOWN_BUGS), F.sources_of(files, argv))[0] \
            != "known":
        assert F.LAST_EXIT_CODE in (0, 1, 2)
        event(f"exit code {F.LAST_EXIT_CODE}")


# The generators start from files schemacheck reads: each format, well-formed, gives back
# the table it was made from (so the mutations start from something valid).
@pytest.mark.parametrize("form", F.SCHEMA_FORMS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_well_formed_schema_files_load_as_generated(folder, form, data):
    name, text, spec = data.draw(chosen(lambda ch: F.valid_schema_file(ch, form)), label="file")
    from schemacheck.kusto.files import load_schemas

    (folder / "valid").mkdir(exist_ok=True)
    path = folder / "valid" / name
    path.write_text(text, encoding="utf-8", newline="")
    tables = load_schemas([str(path)]).tables
    assert [t.name for t in tables] == [spec["name"] if form != "csl" else path.stem]
    assert [(c.name, c.type) for c in tables[0].columns] == [(n, csl) for n, csl, _ in spec["columns"]]


@pytest.mark.parametrize("dialect", ["tsql", "postgres"])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_well_formed_ddl_loads_as_generated(folder, dialect, data):
    """The DDL generator's scripts, before mutation: the table of the spec, exactly its
    columns, and no other table (the statements around it define none)."""
    from schemacheck.sql.ddl import load_ddl

    text, spec = data.draw(chosen(lambda ch: F.valid_ddl_file(ch, dialect)), label="ddl")
    (folder / "valid-ddl").mkdir(exist_ok=True)
    path = folder / "valid-ddl" / "t.sql"
    path.write_text(text, encoding="utf-8", newline="")
    (table,) = load_ddl([str(path)], dialect).tables
    assert (table.schema, table.name) == (spec["schema"], spec["name"])
    assert [c.name for c in table.columns] == spec["columns"]


def test_the_ddl_generator_makes_what_it_should(tmp_path):
    """Unmutated, the generator's scripts (with ALTER, DROP, and the statements around) are
    read, in both dialects; its command lines name the query, the DDL and a SQL target."""
    import random

    from schemacheck.sql.ddl import load_ddl

    seen = set()
    path = tmp_path / "t.sql"
    for index in range(60):
        ch = F.RandomChooser(random.Random(index))
        dialect = ch.pick(("tsql", "postgres"))
        spec = F.ddl_spec(ch, dialect)
        text = F.ddl_text(ch, F.ddl_script(ch, spec), dialect)
        seen.update(word for word in ("ALTER TABLE", "DROP TABLE", "GO", "INHERITS", "$$") if word in text)
        path.write_text(text, encoding="utf-8", newline="")
        load_ddl([str(path)], dialect)   # no InputError
        files, argv = F.ddl_input(ch)
        assert "q.asaql" in files and any(name.startswith("schemas/") for name in files)
        assert argv[:3] in (["check", "q.asaql", "--schema"], ["suggest", "q.asaql", "--schema"])
        assert argv[4] == "--target" and argv[5].split("=")[1].split(":")[0] in ("sql", "synapse", "postgresql")
    assert seen == {"ALTER TABLE", "DROP TABLE", "GO", "INHERITS", "$$"}


def test_the_job_seeds_are_checked_without_errors_of_input(folder):
    for index, seed in enumerate(JOB_SEEDS):
        files = {name: text.encode("utf-8") for name, text in seed.items()}
        F.check_outcome(lambda: F.run_job(folder / f"seed{index}", files, ["check", ".", "--format", "json",
                                                                          "--no-cache", "--debug"]), [])
        assert F.LAST_EXIT_CODE in (0, 1), sorted(seed)


# ---- the harness catches what it should --------------------------------------------------------------

def test_message_leaks_flags_internal_names_of_both_grammars():
    assert F.message_leaks("expected LPAR or RPAR")
    assert F.message_leaks("expected QUOTED_NAME")
    assert F.message_leaks("expected create_merge")
    assert F.message_leaks("expected column_def")
    assert F.message_leaks("expected __ANON_1")
    assert F.message_leaks("KeyError: 'x'")
    assert not F.message_leaks("expected a name, ':' or ')' in the column list, found 'x'")
    assert not F.message_leaks("no .create-merge table command")
    assert not F.message_leaks("the job's identity type is not one ARM knows (SystemAssigned, UserAssigned or None)")
    assert not F.message_leaks("unknown Kusto type 'LPAR'", sources=["a:LPAR"])   # quoted from the input


def test_check_outcome_lets_crashes_through_and_takes_our_errors():
    def crash():
        raise KeyError("x")

    def refuse():
        raise InputError("not valid JSON", "x.json", 1, 1)

    with pytest.raises(KeyError):
        F.check_outcome(crash, [])
    assert F.check_outcome(refuse, []) == ("error", ["not valid JSON"])
    with pytest.raises(AssertionError):
        F.check_outcome(lambda: ["expected RPAR"], [])


def test_check_ddl_refusal_takes_one_line_naming_the_file_at_a_place_in_it():
    files = {"schemas/t.sql": b"CREATE TABLE dbo.T (\n  a int NOT NOT NULL\n)\n", "q.asaql": b"SELECT 1 AS a"}
    F.check_ddl_refusal(files, "schemacheck: error: schemas/t.sql:2:3: sqlglot cannot parse this\n")
    F.check_ddl_refusal(files, "schemacheck: error: schemas/t.sql: no such file\n")
    F.check_ddl_refusal(files, "schemacheck: error: schemas/t.sql:4:1: ends here\n")   # after the last line break
    for err, reason in (("schemacheck: error: schemas/t.sql:2:3: two\nlines\n", "not-one-line"),
                        ("schemacheck: error: schemas/t.sql:2:3: no line end", "not-one-line"),
                        ("schemacheck: error: --target 'x': bad\n", "no-file-named"),
                        ("schemacheck: error: schemas/u.sql:1:1: bad\n", "another-file-named"),
                        ("schemacheck: error: schemas/t.sql:5:1: bad\n", "position-outside-the-file"),
                        ("schemacheck: error: schemas/t.sql:2:22: bad\n", "position-outside-the-file")):
        with pytest.raises(F.BadAnswer) as raised:
            F.check_ddl_refusal(files, err)
        assert raised.value.reason == reason, err


def test_the_known_ddl_bugs_are_told_apart_from_the_rest(folder):
    """An input that hits a known bug raises KnownBug (its xfail test holds it); a clean
    refusal and a comparison do not. (A bug fixed: its entry of KNOWN_BUGS goes, and its
    case here is passed over.)"""
    def run(ddl: str):
        files = {"schemas/t.sql": ddl.encode("utf-8"), "q.asaql": b"SELECT 1 AS b INTO out FROM hub\n"}
        argv = ["check", "q.asaql", "--schema", "schemas/t.sql", "--target", "out=sql:dbo.T", "--format", "json",
                "--no-cache", "--debug"]
        return F.check_outcome(lambda: F.run_ddl(folder / "known", files, argv, F.KNOWN_BUGS), [ddl])

    for ddl, name in (("CREATE TABLE [", "python-words-in-ddl-error"),
                      ("CREATE TABLE dbo.T (\n  a int DEFAULT 1 +\n)", "python-words-in-ddl-error"),
                      ("CREATE TABLE dbo.T (\n  a int REFERENCES +\n)", "python-words-in-ddl-error"),
                      ("CREATE TABLE dbo.T (a [int] NOT NULL, b int)", "bracketed-type-in-fix"),
                      ("CREATE TABLE [a\nb] (\n  x int\n", "line-break-in-a-quoted-name")):
        if name not in {known for known, _pattern, _test in F.KNOWN_BUGS}:
            continue
        with pytest.raises(F.KnownBug) as raised:
            run(ddl)
        assert raised.value.name == name, ddl
    assert run("CREATE TABLE dbo.T (\n  a int NOT NOT NULL\n)") == ("ok", [F.LAST_STDERR.rstrip("\n")])
    assert F.LAST_EXIT_CODE == 2
    assert run("CREATE TABLE dbo.T (a int, b bigint NULL)")[0] == "ok" and F.LAST_EXIT_CODE == 0
    if "python-type-in-a-schema-row" in {known for known, _pattern, _test in F.KNOWN_BUGS}:   # told by check_outcome
        with pytest.raises(F.KnownBug):
            F.check_outcome(lambda: ["the schema (row 1) should be a JSON string, not NoneType"], [])
    with pytest.raises(AssertionError):   # no known bug: a leak
        F.check_outcome(lambda: ["the schema (row 1) should be a JSON string, not NoneType"], [], known=())


def test_message_leaks_flags_python_exception_texts():
    for message in ("cannot be read as T-SQL (string index out of range)", "'NoneType' object has no attribute 'x'",
                    "missing for <class 'sqlglot.expressions.core.Add'>", "maximum recursion depth exceeded",
                    "TokenType.L_PAREN"):
        assert F.message_leaks(message), message
    assert not F.message_leaks("the column list of table dbo.T has no closing ')'; close it")
    assert not F.message_leaks("sqlglot cannot parse this column definition of table t as PostgreSQL: Expecting )")


def test_the_time_limit_stops_a_hang():
    with pytest.raises(F.Hang):
        with F.time_limit(0.05):
            while True:
                pass


# ---- regressions: the crashes the fuzzing found ------------------------------------------------------

def _load(folder, name, text):
    from schemacheck.kusto.files import load_schemas

    path = folder / name
    path.write_text(text, encoding="utf-8")
    return load_schemas([str(path)])


def test_a_result_table_whose_column_name_is_not_text_is_refused(tmp_path):
    # Was a TypeError (unhashable type: 'list') building the rows of a REST v1 or v2 response.
    text = json.dumps({"Tables": [{"Columns": [{"ColumnName": ["TableName"]}, {"ColumnName": "Schema"}],
                                   "Rows": [["T", "a:string"]]}]})
    with pytest.raises(InputError, match="Columns and Rows do not line up"):
        _load(tmp_path, "v1.json", text)
    frames = json.dumps([{"FrameType": "DataTable", "TableKind": "PrimaryResult",
                          "Columns": [{"ColumnName": {"a": 1}}, {"ColumnName": "Schema"}], "Rows": [["T", "a:int"]]}])
    with pytest.raises(InputError, match="Columns and Rows do not line up"):
        _load(tmp_path, "v2.json", frames)


def test_a_project_file_with_a_number_past_the_digit_limit_is_an_input_error(tmp_path):
    # Was a ValueError (sys.get_int_max_str_digits) out of json.loads, an internal error.
    from schemacheck.jobs.jsonfile import load_json

    path = tmp_path / "JobConfig.json"
    path.write_text('{\n  "Delay": ' + "7" * 5000 + "\n}\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_json(str(path), "JobConfig file")
    assert (raised.value.line, raised.value.column) == (2, 12)
    assert raised.value.message == "holds a number of 5000 digits, more than the 4300 that can be read as the " \
                                   "JobConfig file"
    (tmp_path / "q.asaql").write_text("SELECT a INTO o FROM i\n", encoding="utf-8")
    (tmp_path / "asaproj.json").write_text(json.dumps({"startFile": "q.asaql", "configurations": [
        {"filePath": "JobConfig.json", "subType": "JobConfig"}]}), encoding="utf-8")
    code, out, err = run_cli("check", str(tmp_path), "--format", "json", "--no-cache")
    assert code in (0, 1), err
    assert "JobConfig file JobConfig.json cannot be read (line 2, column 12: holds a number of 5000 digits" in out


def test_project_messages_show_json_values_not_python_ones(tmp_path):
    # Said "subType None" and "startFile is not a file name: {'a': None}" (Python's repr).
    from schemacheck.jobs.project import read_vscode_project

    (tmp_path / "q.asaql").write_text("SELECT a INTO o FROM i\n", encoding="utf-8")
    project = tmp_path / "asaproj.json"
    project.write_text(json.dumps({"startFile": "q.asaql", "configurations": [
        {"filePath": None}, {"filePath": "", "subType": "Output"}]}), encoding="utf-8")
    assert [n.message for n in read_vscode_project(str(project)).notes] == [
        "a configuration entry names no file; it is ignored",
        'a configuration entry (subType "Output") names no file; it is ignored']
    project.write_text(json.dumps({"startFile": {"a": None, "b": [1, True]}}), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_vscode_project(str(project))
    assert raised.value.message == 'startFile is not a file name: {"a": null, "b": [1, true]}'


def test_a_template_child_resource_without_a_usable_name_is_not_called_none(tmp_path):
    # Said "the output resource 'None' belongs to no streaming job".
    from schemacheck.jobs.arm import read_template

    def job(name):
        return {"type": "Microsoft.StreamAnalytics/streamingjobs", "name": name,
                "properties": {"transformation": {"name": "t", "properties": {"query": "SELECT a INTO o FROM i"}}}}

    template = tmp_path / "t.json"
    template.write_text(json.dumps({"resources": [
        job("a"), job("b"),
        {"type": "Microsoft.StreamAnalytics/streamingjobs/outputs", "properties": {}},
        {"type": "Microsoft.StreamAnalytics/streamingjobs/outputs", "name": [5], "properties": {}}]}),
        encoding="utf-8")
    notes = [n.message for job in read_template(str(template)) for n in job.notes]
    assert [m.split(" belongs")[0] for m in notes] == ["the output resource without a name",
                                                      "the output resource named [5]"]


def test_sample_data_with_a_number_past_the_digit_limit_is_a_note(tmp_path):
    # Was a ValueError out of json.loads reading an InputMock's sample data.
    from schemacheck.inputs.samples import SampleError, sample_fields

    for text, where in (('[{"a": ' + "5" * 4400 + "}]", "line 1, column 8"),
                        ('{"a": 1}\n{"a": ' + "5" * 4400 + "}\n", "line 2, column 7")):
        (tmp_path / "sample.json").write_text(text, encoding="utf-8")
        with pytest.raises(SampleError) as raised:
            sample_fields(str(tmp_path / "sample.json"), "json", "1.2")
        assert str(raised.value) == f"holds a number of 4400 digits, more than the 4300 that can be read as " \
                                    f"sample data ({where})"


def test_a_template_saved_as_utf16_is_found_in_its_folder(tmp_path):
    # A UTF-16 template (with its byte order mark, as PowerShell writes files) was read when
    # named, but a folder search did not see it: its test read the bytes as UTF-8.
    template = {"resources": [{"type": "Microsoft.StreamAnalytics/streamingjobs", "name": "job", "properties": {
        "transformation": {"name": "t", "properties": {"query": "SELECT a INTO o FROM i"}}}}]}
    (tmp_path / "job.json").write_bytes(json.dumps(template).encode("utf-16"))
    code, out, err = run_cli("infer", str(tmp_path), "--format", "json", "--no-cache")
    assert code == 1 and not err, err   # 1: SC601, the job defines no output o
    assert [o["output"] for f in json.loads(out)["files"] for o in f["outputs"]] == ["o"]


def test_a_configuration_with_a_number_past_the_digit_limit_is_an_input_error(tmp_path):
    # Was a ValueError out of tomllib: an internal error instead of exit code 2.
    (tmp_path / "q.asaql").write_text("SELECT a INTO o FROM i\n", encoding="utf-8")
    (tmp_path / "schemacheck.toml").write_text('fail-on = "warning"\n\nx = ' + "9" * 4400 + "\n", encoding="utf-8")
    code, _out, err = run_cli("check", str(tmp_path / "q.asaql"), "--no-cache")
    assert code == 2
    assert err == f"schemacheck: error: {tmp_path / 'schemacheck.toml'}:3:5: holds a number of 4400 digits, " \
                  "more than the 4300 that can be read as TOML\n"


# Found by fuzzing: `suggest` goes through cli._checks, which read options.jobs, an option
# only `check` defines.
def test_suggest_runs_on_the_sample():
    from conftest import ROOT

    code, out, err = run_cli("suggest", str(ROOT / "samples" / "fleet-telemetry"), "--no-cache", "--debug")
    assert code in (0, 1) and out, err


def test_a_shard_count_past_the_range_of_a_float_parses():
    # Was an OverflowError (int of float infinity) building the PARTITION BY ... INTO n source.
    from schemacheck.asa.analysis import analyze
    from schemacheck.asa.parser import parse_query

    for count, expected in (("1" * 400, None), ("1e999", None), ("10", 10)):
        script = parse_query(f"SELECT a INTO o FROM i PARTITION BY k INTO {count}")
        assert script.statements[0].query.from_.source.shard_count == expected
    result = analyze("SELECT a INTO o FROM i PARTITION BY k INTO " + "9" * 5000)
    assert [o.output for o in result.outputs] == ["o"] and not [d for d in result.diagnostics if d.code == "SC001"]


def test_a_sample_path_of_thousands_of_parts_is_answered_at_once(tmp_path):
    # Took minutes (every end of the path joined and normalised again, part by part): the
    # fuzzing's watchdog stopped it. Now within the same generous watchdog.
    from schemacheck.jobs.project import read_vscode_project

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "i.json").write_text('[{"a": 1}]', encoding="utf-8")
    (tmp_path / "q.asaql").write_text("SELECT a INTO o FROM i\n", encoding="utf-8")
    (tmp_path / "asaproj.json").write_text(json.dumps({"startFile": "q.asaql", "configurations": [
        {"filePath": "Local_i.json", "subType": "InputMock"}]}), encoding="utf-8")
    for path, found in (("x/" * 20000 + "F:/repo/data/i.json", True), ("data/x./" * 5000 + "i.json", False)):
        (tmp_path / "Local_i.json").write_text(json.dumps({"InputAlias": "i", "Format": "Json", "FilePath": path}),
                                               encoding="utf-8")
        with F.time_limit():
            job = read_vscode_project(str(tmp_path / "asaproj.json"))
        assert [s.path for s in job.samples] == ([str(tmp_path / "data" / "i.json")] if found else [])
        assert ("at the end of that path, is used" if found else "does not exist") in job.notes[0].message
