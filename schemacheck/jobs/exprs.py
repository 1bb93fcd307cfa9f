"""The syntax trees of Terraform (HCL) and Bicep files, as their parsers build them
(schemacheck.jobs.hcl, schemacheck.jobs.bicep_syntax), and what the job readers evaluate
(schemacheck.jobs.terraform, schemacheck.jobs.bicep).

Both languages write the same kinds of expression (literals, strings with interpolation,
references, calls, objects, arrays, conditions, loops), so one set of nodes serves both.
Every node has `start`/`end`: character offsets in its file's text (end exclusive).

Strings keep enough to map a position in their value back into the file, so a finding
in a query held in a string points at the query's line in the `.tf` / `.bicep`, and
`--fix` can edit it there:

    Text.raw_start   the offset of the value's first character in the file
    Text.style       "verbatim": the value is the file's text from raw_start as it is
                     (a Bicep '''...''' string, a Terraform heredoc <<EOT);
                     "indented": a heredoc <<-EOT, each line of the value is the
                     file's line from `indent` characters on;
                     "escaped": a quoted string whose escapes were decoded (the
                     parser kept `raw_end`, the offset after the closing quote's
                     content, so the mapping can re-read the escapes)

A string with interpolation is a `Template` of literal `Text` parts and expressions.
"""

from __future__ import annotations

from schemacheck.records import Record, record

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the block below
if TYPE_CHECKING:
    from typing import Literal, TypeAlias

    TextStyle = Literal["verbatim", "indented", "escaped"]
    Expr: TypeAlias = ("Literal_ | Text | Template | Ref | GetAttr | Index | Call | Array | Object | Cond | "
                       "ForExpr | Unary | Binary | Splat")


@record
class Literal_(Record):
    """A number, true, false or null (`value` as Python has it: int, float, bool, None)."""

    value: object
    start: int
    end: int


@record
class Text(Record):
    """A string without interpolation (or a literal part of a Template): its value, and
    where its characters are in the file (see the module doc)."""

    value: str
    start: int
    end: int
    raw_start: int
    style: TextStyle = "verbatim"
    indent: int = 0
    raw_end: int = 0


@record
class Template(Record):
    """A string with interpolation: literal Text parts and expressions, in order.
    (`%{...}` directives of HCL templates are kept as a `Call("%directive", ...)` part that
    no evaluator resolves: the value is then unknown.)"""

    parts: tuple
    start: int
    end: int


@record
class Ref(Record):
    """A name: `var`, `local`, `azurerm_stream_analytics_job`, a Bicep parameter, variable
    or resource symbol. Attribute access and indexing wrap it (GetAttr, Index)."""

    name: str
    start: int
    end: int


@record
class GetAttr(Record):
    """`target.name` (Bicep's `target::child` too, with `nested` True)."""

    target: object
    name: str
    start: int
    end: int
    nested: bool = False


@record
class Index(Record):
    """`target[key]` (`safe` for Bicep's `target[?key]` / `target.?name`)."""

    target: object
    key: object
    start: int
    end: int
    safe: bool = False


@record
class Splat(Record):
    """HCL's `target[*].rest` / `target.*.rest` (`rest` the attribute names after it)."""

    target: object
    rest: tuple[str, ...]
    start: int
    end: int


@record
class Call(Record):
    """`name(args...)`; `name` may be dotted (`sys.loadTextContent`, `provider::x::f`).
    `expand` is HCL's `f(list...)`."""

    name: str
    args: tuple
    start: int
    end: int
    name_end: int = 0
    expand: bool = False


@record
class Array(Record):
    items: tuple
    start: int
    end: int


@record
class Item(Record):
    """One member of an object: `key` is a Text (a name or a quoted key) or, for HCL's
    `(expr) = value` / Bicep's computed keys, an expression."""

    key: object
    value: object
    start: int
    end: int


@record
class Object(Record):
    items: tuple[Item, ...]
    start: int
    end: int


@record
class Cond(Record):
    """`test ? then : otherwise`; Bicep's `if (test) { ... }` resource body is a Cond whose
    `otherwise` is None."""

    test: object
    then: object
    otherwise: object
    start: int
    end: int


@record
class ForExpr(Record):
    """A loop: HCL `[for k, v in coll : value if cond]` / `{for k, v in coll : key => value}`,
    Bicep `[for (item, i) in coll: value]` / `[for x in coll: if (cond) {...}]`.
    `names` are the loop variables in order (value first for Bicep's `(item, index)`,
    as written); `key` is set for an HCL object loop; `grouped` for HCL's `...`."""

    names: tuple[str, ...]
    collection: object
    value: object
    start: int
    end: int
    key: object = None
    condition: object = None
    grouped: bool = False


@record
class Unary(Record):
    op: str
    operand: object
    start: int
    end: int


@record
class Binary(Record):
    op: str
    left: object
    right: object
    start: int
    end: int


# ---- HCL's structure (Terraform files) -------------------------------------------------------

@record
class Attribute(Record):
    """`name = value` in a body; `name_start` where the name is written."""

    name: str
    value: object
    start: int
    end: int
    name_start: int = 0


@record
class Block(Record):
    """`type "label" ... { body }`: `labels` as written, unquoted."""

    type: str
    labels: tuple[str, ...]
    body: tuple
    start: int
    end: int
    label_starts: tuple[int, ...] = ()


@record
class Body(Record):
    """A file's (or a block's) attributes and blocks, in order."""

    items: tuple
    start: int
    end: int


# ---- Bicep's statements ----------------------------------------------------------------------

@record
class Decorator(Record):
    call: Call
    start: int
    end: int


@record
class Statement(Record):
    """A Bicep statement: `kind` one of "param", "var", "resource", "module", "output",
    "using", "import", "metadata", "type", "func", "targetScope". `name` is the symbol
    (None for `using` / `targetScope`); `type` the declared type (param, output) or the
    resource type string (resource: a Text such as 'Microsoft.X/y@2021-01-01'; module: the
    path Text); `value` the default (param), value (var, output, metadata, targetScope,
    param in a .bicepparam), or body (resource, module: an Object, a Cond or a ForExpr);
    `existing` for `resource ... existing = {...}`. `children` are a resource body's nested
    resources, also Statements."""

    kind: str
    name: str | None
    type: object
    value: object
    start: int
    end: int
    decorators: tuple[Decorator, ...] = ()
    existing: bool = False
    name_start: int = 0
    children: tuple = ()


@record
class Program(Record):
    """A Bicep or .bicepparam file's statements, in order."""

    statements: tuple[Statement, ...]
    start: int
    end: int
