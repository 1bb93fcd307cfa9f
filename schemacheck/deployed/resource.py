"""A streaming job as ARM's REST API answers it (`$expand`ed) -> a Job, through the ARM
template reader: the answer has a template resource's shape, so the same code reads
outputs, inputs, functions, settings and identity from both.

- Secrets: ARM does not return them, and any it would are dropped here (SECRET_KEYS)
  before the resource is kept or read, so no report, log or cache can hold one.
- Places: the query is its own text (findings are at its lines, as the portal shows it);
  everything else is at the job's resource id, the file the reports name.
- A string that starts with `[` and ends with `]` is a literal in a deployed job; the
  template reader would evaluate it, so it is escaped as ARM's `[[`.
"""

from __future__ import annotations

import json

from schemacheck.jobs.model import Identity, Job, Query, Where
from schemacheck.records import Record, record

# Properties that hold credentials, in any output, input or function (compared lower-case).
SECRET_KEYS = frozenset({"password", "sharedaccesspolicykey", "accountkey", "connectionstring", "apikey",
                         "sastoken", "sasurl", "clientsecret", "secret", "token", "accesskey", "primarykey",
                         "secondarykey", "authenticationkey", "key"})


@record
class Deployed(Record):
    """A job read from ARM: its resource id, the resource (secrets dropped) and the Job."""

    id: str
    resource: dict
    job: Job

    @property
    def name(self) -> str:
        return self.id.rstrip("/").rsplit("/", 1)[-1]


def without_secrets(value: object) -> object:
    """`value` with every SECRET_KEYS property (and `*password`, `*secret`) removed."""
    if isinstance(value, dict):
        return {k: without_secrets(v) for k, v in value.items()
                if not (isinstance(k, str) and _secret(k))}
    if isinstance(value, list):
        return [without_secrets(v) for v in value]
    return value


def _secret(key: str) -> bool:
    lowered = key.lower()
    return lowered in SECRET_KEYS or lowered.endswith(("password", "secret"))


def _escaped(value: object) -> object:
    if isinstance(value, str):
        return "[" + value if value.startswith("[") and value.endswith("]") else value
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def resource_id(resource: dict, fallback: str = "") -> str:
    """The job's id as the answer gives it (else `fallback`)."""
    value = resource.get("id")
    return value if isinstance(value, str) and value else fallback


def read_resource(resource: dict, source: str | None = None) -> Deployed:
    """The Job a REST answer describes. `source` names it in reports (its resource id, or
    the file it was saved in). RecursionError for an answer nested deeper than Python's
    stack: the callers say where (a saved file) or that ARM's answer is unreadable."""
    from schemacheck.jobs.arm import JOB_TYPE, read_loaded
    from schemacheck.jobs.jsonfile import JsonFile

    clean = without_secrets(resource)
    assert isinstance(clean, dict)
    where = source or resource_id(clean, str(clean.get("name") or "deployed job"))
    entry = {k: v for k, v in clean.items() if k in ("name", "location", "identity", "properties", "sku", "tags")}
    entry.update({"type": JOB_TYPE, "apiVersion": "2021-10-01-preview"})
    template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0", "resources": [_escaped(entry)]}
    text = json.dumps(template, indent=1)
    jobs = read_loaded(JsonFile(where, text, template, Where(where)), None)
    job = jobs[0]
    properties = clean.get("properties")
    transformation = properties.get("transformation") if isinstance(properties, dict) else None
    query_text = None
    if isinstance(transformation, dict) and isinstance(transformation.get("properties"), dict):
        query_text = transformation["properties"].get("query")
    query = Query(query_text, where) if isinstance(query_text, str) and query_text.strip() else None
    # A collection the answer does not give as a list of objects is not known (not "none").
    unknown = {key: None for key in ("inputs", "outputs", "functions")
               if not isinstance(properties, dict) or not isinstance(properties.get(key), list)
               or not all(isinstance(entry, dict) for entry in properties[key])}
    job = job._replace(**unknown)
    job = job._replace(form="deployed", source=where, root=".", query=query,
                       identity=_identity(clean, job.identity), name=job.name or clean.get("name"),
                       notes=tuple(n for n in job.notes if query is None or "query" not in n.message.lower()
                                   or n.code != "SC609"))
    return Deployed(resource_id(clean, where), clean, job)


def _identity(resource: dict, read: Identity) -> Identity:
    """The identity the reader found, with the principal (object) ids ARM reports."""
    identity = resource.get("identity")
    if not isinstance(identity, dict):
        return read
    principals = []
    if isinstance(identity.get("principalId"), str):
        principals.append(identity["principalId"])
    users = identity.get("userAssignedIdentities")
    if isinstance(users, dict):
        principals.extend(str(v["principalId"]) for v in users.values()
                          if isinstance(v, dict) and isinstance(v.get("principalId"), str))
    return read._replace(principals=tuple(principals))


def read_answer(data: object, source: str) -> list[Deployed]:
    """The jobs of a saved REST answer: one job, or a list answer's `value`."""
    from schemacheck.errors import InputError

    if isinstance(data, dict) and isinstance(data.get("value"), list):
        items = [v for v in data["value"] if isinstance(v, dict)]
    elif isinstance(data, dict):
        items = [data]
    elif isinstance(data, list):
        items = [v for v in data if isinstance(v, dict)]
    else:
        items = []
    jobs = [item for item in items if is_job(item)]
    if not jobs:
        raise InputError("not a streaming job as the Azure REST API returns it (an object with \"properties\" and "
                         "the type Microsoft.StreamAnalytics/streamingjobs, or a list of them in \"value\")", source)
    return [read_resource(item, source if len(jobs) == 1 else f"{source}#{item.get('name')}") for item in jobs]


def is_job(item: object) -> bool:
    from schemacheck.jobs.arm import JOB_TYPE

    return isinstance(item, dict) and str(item.get("type", "")).lower() == JOB_TYPE.lower() and isinstance(
        item.get("properties"), dict)
