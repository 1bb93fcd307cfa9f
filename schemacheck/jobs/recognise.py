"""What a file is, told from its name and a cheap look at its text, and where it belongs
on the command line.

A team's repository holds ASA queries next to Terraform, Bicep, ARM templates, REST
exports of jobs, SQL DDL, Kusto scripts (a Fabric KQL database's DatabaseSchema.kql among
them) and Fabric Eventstreams (`eventstream.json` in a `*.Eventstream` folder). A file
given in the wrong place (a DDL file as PATH, a query or a Terraform file as --schema)
gets one line saying what the file is and how to pass it, instead of a parse error in a
language it is not written in.

    recognise(path, text=None) -> kind     one of the constants below
    misplaced(kind, path, as_what) -> str   the message for a file given where it does not belong

The look at the text is a few substring tests (no parsing), so a directory scan pays
nearly nothing for it.
"""

from __future__ import annotations

import os
import re

QUERY = "query"
VSCODE_PROJECT = "vscode-project"
VS_PROJECT = "vs-project"
ARM_TEMPLATE = "arm-template"
ARM_PARAMETERS = "arm-parameters"
REST_JOB = "rest-job"
TERRAFORM = "terraform"
TERRAFORM_VARIABLES = "terraform-variables"
BICEP = "bicep"
BICEP_PARAMETERS = "bicep-parameters"
SQL_DDL = "sql-ddl"
KUSTO_SCHEMA = "kusto-schema"
CONFIG = "config"
EVENTSTREAM = "fabric-eventstream"
OTHER = "other"

# What each kind is called in messages.
NAMES = {
    QUERY: "an ASA query",
    VSCODE_PROJECT: "an ASA project (VS Code)",
    VS_PROJECT: "an ASA project (Visual Studio)",
    ARM_TEMPLATE: "an ARM template of a streaming job",
    ARM_PARAMETERS: "an ARM parameters file",
    REST_JOB: "a streaming job as the Azure REST API returns it (az stream-analytics job show)",
    TERRAFORM: "a Terraform file",
    TERRAFORM_VARIABLES: "a Terraform variables file",
    BICEP: "a Bicep file",
    BICEP_PARAMETERS: "a Bicep parameters file",
    SQL_DDL: "SQL DDL (CREATE TABLE)",
    KUSTO_SCHEMA: "a Kusto table schema",
    CONFIG: "a schemacheck configuration",
    EVENTSTREAM: "a Microsoft Fabric Eventstream's topology",
}

_DDL = re.compile(r"\b(?:create|alter)\s+table\b", re.IGNORECASE)
_ASA_STATEMENT = re.compile(r"\bselect\b[\s\S]*\bfrom\b", re.IGNORECASE)
_SQL_ONLY = re.compile(r"^\s*go\s*$|\[dbo\]|\bdbo\.|\bprimary\s+key\b|\bnot\s+null\b|\bif\s+not\s+exists\b"
                       r"|\bcreate\s+(?:procedure|proc|view|schema|index)\b", re.IGNORECASE | re.MULTILINE)


def recognise(path: str, text: str | None = None) -> str:
    """The kind of file `path` is; `text` (its content, when already read) refines a .json
    or .sql file, which the name alone does not tell."""
    name = os.path.basename(path).lower()
    if name.endswith(".asaql"):
        return QUERY
    if name == "asaproj.json":
        return VSCODE_PROJECT
    if name.endswith(".asaproj"):
        return VS_PROJECT
    if name.endswith((".tfvars", ".tfvars.json")):
        return TERRAFORM_VARIABLES
    if name.endswith((".tf", ".tf.json")):
        return TERRAFORM
    if name.endswith(".bicepparam"):
        return BICEP_PARAMETERS
    if name.endswith(".bicep"):
        return BICEP
    if name in ("schemacheck.toml",):
        return CONFIG
    if name == "eventstream.json" or (name.endswith(".json") and
                                      os.path.basename(os.path.dirname(path)).lower().endswith(".eventstream")):
        return EVENTSTREAM   # (a KQL database's DatabaseSchema.kql is a Kusto script: KUSTO_SCHEMA below)
    if name.endswith((".kql", ".csl", ".cslschema")):
        return KUSTO_SCHEMA
    if name.endswith(".sql"):
        return _sql_kind(text) if text is not None else SQL_DDL
    if name.endswith(".json") and text is not None:
        return _json_kind(text)
    return OTHER


def _sql_kind(text: str) -> str:
    """DDL, or an ASA query kept in a .sql file (its CREATE TABLE declares an input, and
    T-SQL's batch separators, schemas and constraints do not occur in it)."""
    if _DDL.search(text) and (_SQL_ONLY.search(text) or not _ASA_STATEMENT.search(text)):
        return SQL_DDL
    return QUERY if _ASA_STATEMENT.search(text) else SQL_DDL if _DDL.search(text) else OTHER


def _json_kind(text: str) -> str:
    lowered = text.lower()
    if '"resources"' in lowered and "deploymenttemplate" in lowered:
        return ARM_TEMPLATE if "streamingjobs" in lowered else OTHER
    if "deploymentparameters" in lowered:
        return ARM_PARAMETERS
    if "microsoft.streamanalytics/streamingjobs" in lowered and '"properties"' in lowered and \
            '"resources"' not in lowered:
        return REST_JOB
    if '"orderedcolumns"' in lowered or '"databases"' in lowered or '"tablename"' in lowered:
        return KUSTO_SCHEMA
    return OTHER


def misplaced(kind: str, path: str, given_as: str) -> str:
    """What to say about a file of `kind` given as `given_as` ("PATH" or "--schema"), where
    it does not belong: what it is and how to pass it."""
    from schemacheck.files import display_path

    shown = display_path(path)
    what = NAMES.get(kind, "not a file schemacheck reads here")
    if kind in (QUERY, VSCODE_PROJECT, VS_PROJECT, ARM_TEMPLATE, TERRAFORM, TERRAFORM_VARIABLES, BICEP,
                BICEP_PARAMETERS, EVENTSTREAM) and given_as == "--schema" and not path.lower().endswith(".tf.json"):
        return f"is {what}, not a table schema: pass it as PATH (schemacheck check {shown} --schema TABLES)"
    if kind == ARM_PARAMETERS and given_as == "--schema":
        return f"is {what}: pass it with --parameters beside its template"
    if kind in (SQL_DDL, KUSTO_SCHEMA) and given_as == "PATH":
        how = " and map SQL outputs with --target ALIAS=sql:SCHEMA.TABLE" if kind == SQL_DDL else ""
        return (f"holds {what}, not a query: pass it with --schema {shown}{how} (or list it in schemas = [...] "
                "in schemacheck.toml)")
    if kind == TERRAFORM and path.lower().endswith(".tf.json"):
        return (f"is {what} in JSON syntax, which schemacheck does not read: write it in HCL (.tf), or check the "
                "job's query with --target and --schema")
    if kind == REST_JOB:
        return (f"is {what}: schemacheck reads ASA projects, ARM templates, Bicep and Terraform; export the "
                "job's template (portal: Export template, or az group export) and check that")
    if kind == CONFIG and given_as == "--schema":
        return f"is {what}: it is read for the queries below its folder; do not pass it as --schema"
    return f"is {what}"


def job_like(path: str) -> bool:
    """Whether a file a directory scan does not read may define a streaming job (Terraform
    in JSON syntax, a REST export): such files are listed as not read, with why."""
    name = path.lower()
    if not name.endswith((".tf.json", ".json")):
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 20).decode("utf-8", errors="replace").lower()
    except OSError:
        return False
    if name.endswith(".tf.json"):
        return "azurerm_stream_analytics_job" in head or "microsoft.streamanalytics/streamingjobs" in head
    return _json_kind(head) == REST_JOB


# ---- Fabric workspace folders (cheap: the discovery of every check asks) ----------------------
EVENTSTREAM_SUFFIX = ".eventstream"
KQL_DATABASE_SUFFIX = ".kqldatabase"
EVENTHOUSE_SUFFIX = ".eventhouse"
SCHEMA_FILE = "databaseschema.kql"


def is_eventstream_folder(path: str) -> bool:
    return os.path.basename(os.path.normpath(path)).lower().endswith(EVENTSTREAM_SUFFIX) and os.path.isdir(path)


def eventstream_of(path: str) -> str | None:
    """The `*.Eventstream` folder `path` is, or is a file of."""
    if is_eventstream_folder(path):
        return os.path.normpath(path)
    parent = os.path.dirname(os.path.normpath(path)) or "."
    return parent if is_eventstream_folder(parent) else None


def database_schema_workspace(path: str) -> str | None:
    """The workspace folder of a KQL database's DatabaseSchema.kql (`<ws>/<eh>.Eventhouse/
    .children/<db>.KQLDatabase/DatabaseSchema.kql` or `<ws>/<db>.KQLDatabase/...`), else None."""
    if os.path.basename(path).lower() != SCHEMA_FILE:
        return None
    database = os.path.dirname(os.path.abspath(path))
    if not database.lower().endswith(KQL_DATABASE_SUFFIX):
        return None
    above = os.path.dirname(database)
    if os.path.basename(above).lower() == ".children" and \
            os.path.basename(os.path.dirname(above)).lower().endswith(EVENTHOUSE_SUFFIX):
        return os.path.dirname(os.path.dirname(above))
    return above
