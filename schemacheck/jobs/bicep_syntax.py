"""Text of a `.bicep` or `.bicepparam` file -> `exprs.Program`, or one `InputError`.

    parse_bicep(text, file)                  # a .bicep file (a .bicepparam when `file` ends so)
    parse_bicep(text, file, params=True)     # a .bicepparam file whatever its name
    text_position(text_node, text, i)        # the file offset of character i of a string's value

The grammar is grammars/bicep.lark (read its header for how line breaks count); the
parse tables are generated into schemacheck/jobs/_bicep_tables.py and run by
schemacheck.lalr, so nothing here imports lark. The tokenizer below is Bicep's own lexer
rules (Azure/bicep src/Bicep.Core/Parsing/Lexer.cs): identifiers are ASCII, numbers are
whole numbers, white space is spaces and tabs, `'...'` strings stay on one line and take
the escapes \\\\ \\' \\n \\r \\t \\$ \\u{hex}, `'''...'''` strings are verbatim (the first
line break after the opening quotes is dropped, line ends stay as in the file), and
`$'''...${x}...'''` strings (one `$` per `$` of their holes) have holes but no escapes.

What the tree holds, beyond exprs.py's own documentation:

- Statement kinds: those of exprs.Statement, plus "extension" (`extension x` and the older
  `import 'az@1.0.0'`), "test", "assert", and in a .bicepparam "extends" and
  "extensionConfig". A `.bicepparam` `param x = v` is kind "param" with type None.
  `import {a, b as c} from 'x.bicep'` / `import * as ns from 'x.bicep'` is kind "import"
  with value the path (name: the namespace of `* as ns`, else None).
- Types are expression nodes: `string` Ref; `string[]` Index(key None); `T[*]`
  Index(key Ref("*")); `'a' | 'b'` Binary("|"); `string?` Unary("?"); `T!`
  Unary("nonnull"); `{ a: string }` Object (an additional-properties `*: T` has key
  Ref("*")); `[string, int]` Array; `resourceInput<'T@v'>` Call("resourceInput");
  `resource 'T@v'` (a param or output type) Call("resource", (Text,)).
- A resource body with `if (c)` is Cond(c, body, None); a loop is ForExpr, with
  `condition` set for `[for x in xs: if (c) {...}]`. Nested resources of a body are taken
  out of its Object and put in the Statement's `children`.
- A lambda `x => e` / `(a, b) => e` is a ForExpr whose `collection` is None: `names` its
  parameters, `value` its body. A `func f(a string) string => e` statement has type the
  result type and value such a ForExpr.
- `a.b.f(x)` is Call("a.b.f", (x,)) (namespaced functions `sys.concat`, `az.resourceGroup`
  and instance functions `storage.listKeys()` alike); a method called on anything else,
  `xs[0].f(y)`, is Call(".f", (xs[0], y)).
- `a.?b` is Index(a, Text("b"), safe=True), `a[?k]` Index(safe=True), `a[^1]` Index with
  key Unary("^", 1), `a!` Unary("nonnull", a), `job::out` GetAttr(nested=True), `-5`
  Literal_(-5); `...x` spread is Unary("...", x), in an object as Item(key=None, ...).
  Parentheses leave no node (the inner node's span does not include them).
- An object key written as a name is a Text with style "verbatim".
"""

from __future__ import annotations

import re

from schemacheck import lalr
from schemacheck.errors import InputError
from schemacheck.jobs import _bicep_tables as _tables
from schemacheck.jobs.exprs import (
    Array,
    Binary,
    Call,
    Cond,
    Decorator,
    ForExpr,
    GetAttr,
    Index,
    Item,
    Literal_,
    Object,
    Program,
    Ref,
    Statement,
    Template,
    Text,
    Unary,
)

Token = lalr.Token

# ---- the tokenizer -----------------------------------------------------------------------

# Keywords as Bicep writes them (the generated tables know them lower-cased).
_KEYWORDS = {word.lower(): word for word in (
    "targetScope", "metadata", "param", "var", "resource", "module", "output", "type", "func", "import",
    "extension", "extensionConfig", "test", "assert", "using", "extends", "none", "existing", "if", "for",
    "in", "as", "from", "with", "true", "false", "null")}
_ALWAYS_KEYWORDS = frozenset({"true", "false", "null"})

_OPERATORS = {
    "{": "LBRACE", "}": "RBRACE", "(": "LPAR", ")": "RPAR", "[": "LSQB", "]": "RSQB", "@": "AT",
    ",": "COMMA", ".": "DOT", ":": "COLON", "::": "DCOLON", "?": "QMARK", "??": "COALESCE", "=": "ASSIGN",
    "=>": "ARROW", "...": "ELLIPSIS", "|": "PIPE", "||": "OROR", "&&": "ANDAND", "^": "HAT", "!": "BANG",
    "*": "STAR", "/": "SLASH", "%": "PERCENT", "+": "PLUS", "-": "MINUS", "<": "LT", "<=": "LE", ">": "GT",
    ">=": "GE", "==": "EQEQ", "!=": "NOTEQ", "=~": "EQI", "!~": "NOTEQI",
}

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t]+)
  | (?P<nl>\r\n|\n|\r)
  | (?P<comment>//[^\r\n]*)
  | (?P<block>/\*)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[0-9]+)
  | (?P<multi>\$*''')
  | (?P<quote>')
  | (?P<op>\.\.\.|::|=>|==|!=|=~|!~|<=|>=|&&|\|\||\?\?|[{}()\[\],.:?=<>+\-*/%!@|^])
    """,
    re.VERBOSE,
)
_PLAIN = re.compile(r"[^'\\$\r\n]+")
_HEX = re.compile(r"\\u\{([0-9A-Fa-f]+)\}")
_PRAGMA = re.compile(r"#(?:disable-next-line|disable-diagnostics|restore-diagnostics)(?![A-Za-z0-9_-])[^\r\n]*")
_MULTI_HOLE = re.compile(r"'''|\$+\{")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", "'": "'", "$": "$"}


class _Problem(Exception):
    """A syntax error found by the tokenizer or a rule's builder: message and file offset."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message, offset)
        self.message = message
        self.offset = offset


def _keeps_line_break(top, previous: str | None, kind: str, word: str) -> bool:
    """Whether a line break before a token of `kind` counts (see grammars/bicep.lark)."""
    if kind in ("QMARK", "COLON", "PIPE") or previous == "ARROW":
        return False
    if previous == "ASSIGN" and kind == "NAME" and word == "if":
        return False
    if top == "(":
        return previous not in ("LPAR", "COMMA") and kind not in ("RPAR", "COMMA")
    return True


def _scan_quoted(text: str, start: int, first: bool, opened: int) -> tuple[str, int, tuple]:
    """A '...' string (or its part after a hole's `}`) from `start`, just after the quote or
    brace: (terminal, end, (value, raw_start, raw_end, style)). `opened` is where the
    string's quote is, for the error."""
    parts = []
    i = start
    length = len(text)
    plain = _PLAIN.match
    while True:
        m = plain(text, i)
        if m is not None:
            parts.append(m.group())
            i = m.end()
        if i >= length or text[i] in "\r\n":
            raise _Problem("unclosed string: a '...' string must end on the line it starts "
                           "(write '''...''' for text over several lines)", opened)
        char = text[i]
        if char == "'":
            return ("STRING" if first else "STRING_RIGHT"), i + 1, ("".join(parts), start, i, "escaped")
        if char == "$":
            if text.startswith("{", i + 1):
                return ("STRING_LEFT" if first else "STRING_MID"), i + 2, ("".join(parts), start, i, "escaped")
            parts.append("$")
            i += 1
            continue
        # a backslash
        following = text[i + 1:i + 2]
        if following in _ESCAPES:
            parts.append(_ESCAPES[following])
            i += 2
            continue
        if following == "u":
            m = _HEX.match(text, i)
            if m is not None and int(m.group(1), 16) <= 0x10FFFF:
                parts.append(chr(int(m.group(1), 16)))
                i = m.end()
                continue
            raise _Problem("bad escape: write \\u{...} with the hexadecimal code of a character (at most 10FFFF)", i)
        shown = "\\" + following if following and following not in "\r\n" else "\\"
        raise _Problem(f"unknown escape '{shown}' in a string: Bicep knows \\\\ \\' \\n \\r \\t \\$ and \\u{{...}}", i)


def _scan_multiline(text: str, start: int, dollars: int, first: bool, opened: int) -> tuple[str, int, tuple]:
    """A '''...''' string (or its part after a hole's `}`) from `start`, the first character
    after the quotes or brace: (terminal, end, segment) as _scan_quoted. `dollars` is the
    number of `$` before the opening quotes (0: no holes)."""
    content = start
    if first:
        if text.startswith("\r", content):
            content += 1
        if text.startswith("\n", content):
            content += 1
    i = start
    while True:
        if dollars:
            m = _MULTI_HOLE.search(text, i)
            found = -1 if m is None else m.start()
        else:
            m = None
            found = text.find("'''", i)
        if found < 0:
            raise _Problem("unclosed multi-line string: the ''' is never closed", opened)
        if m is not None and m.group() != "'''":
            run = m.end() - 1 - found
            if run < dollars:
                i = m.end()
                continue
            stop = found + run - dollars
            return ("STRING_LEFT" if first else "STRING_MID"), m.end(), (text[content:stop], content, stop, "verbatim")
        end = found + 3
        while text.startswith("'", end):
            end += 1
        return ("STRING" if first else "STRING_RIGHT"), end, (text[content:end - 3], content, end - 3, "verbatim")


def _unexpected(text: str, pos: int) -> _Problem:
    char = text[pos]
    if char == '"':
        return _Problem("Bicep strings take single quotes: write '...', not \"...\"", pos)
    printable = char.isprintable() and not char.isspace()
    shown = f"'{char}'" if printable else f"U+{ord(char):04X}"
    message = f"unexpected character {shown}"
    if char == "#":
        message += ": comments start with // (or /* ... */)"
    elif char == ";":
        message += ": a Bicep statement ends at the end of its line, without ';'"
    elif char == "&":
        message += ": did you mean '&&'?"
    elif char == "$":
        message += ": '$' starts a $'''...''' string only"
    elif char == "\x00":
        message += " (a NUL byte): is this a binary file?"
    elif char in "\f\v\u00a0\u2028\u2029" or char.isspace():
        message += ": Bicep takes spaces and tabs as white space"
    return _Problem(message, pos)


def _tokens(text: str):
    """Yield (terminal, text, start, end) for the parser; see grammars/bicep.lark. The "text"
    of a string token is its part of the value: (value, raw_start, raw_end, style)."""
    stack: list = []        # "{", "[", "(" or (string start, dollars) for an open ${ hole
    holes = 0               # how many holes are open
    previous = None         # the last terminal yielded
    line_break = -1         # where a pending line break starts, or -1
    pos = 1 if text.startswith("\ufeff") else 0
    length = len(text)
    match = _TOKEN.match
    while pos < length:
        m = match(text, pos)
        if m is None:
            pragma = _PRAGMA.match(text, pos) if text[pos] == "#" else None
            line_start = max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1
            if pragma is not None and not text[line_start:pos].strip(" \t"):
                pos = pragma.end()
                continue
            raise _unexpected(text, pos)
        group = m.lastgroup
        end = m.end()
        if group == "ws" or group == "comment":
            pos = end
            continue
        if group == "nl":
            if holes:
                opened = next(entry for entry in reversed(stack) if type(entry) is tuple)[0]
                raise _Problem("unclosed string: a line ends inside its ${...}", opened)
            if line_break < 0:
                line_break = pos
            pos = end
            continue
        if group == "block":
            close = text.find("*/", end)
            if close < 0:
                raise _Problem("unclosed comment: '/*' is never closed by '*/'", pos)
            pos = close + 2
            continue
        top = stack[-1] if stack else None
        source = m.group()
        word: str | tuple = source      # a string token's is its segment, see above
        if group == "name":
            kind = "NAME"
        elif group == "number":
            kind = "NUMBER"
        elif group == "op":
            kind = _OPERATORS[source]
            if kind == "RBRACE" and type(top) is tuple:
                opened, dollars = top
                if dollars:
                    kind, end, word = _scan_multiline(text, end, dollars, False, opened)
                else:
                    kind, end, word = _scan_quoted(text, end, False, opened)
                if kind == "STRING_RIGHT":
                    stack.pop()
                    holes -= 1
            elif kind in ("LBRACE", "LSQB", "LPAR"):
                stack.append(source)
            elif kind in ("RBRACE", "RSQB", "RPAR"):
                if top == {"RBRACE": "{", "RSQB": "[", "RPAR": "("}[kind]:
                    stack.pop()
        else:   # a string
            if group == "multi":
                dollars = end - pos - 3
                kind, end, word = _scan_multiline(text, end, dollars, True, pos)
            else:
                dollars = 0
                kind, end, word = _scan_quoted(text, end, True, pos)
            if kind == "STRING_LEFT":
                stack.append((pos, dollars))
                holes += 1
        if line_break >= 0:
            if _keeps_line_break(top, previous, kind, source):
                yield ("_NL", "\n", line_break, line_break + 1)
            line_break = -1
        yield (kind, word, pos, end)
        previous = kind
        pos = end
    if line_break >= 0 and not stack:
        yield ("_NL", "\n", line_break, line_break + 1)


def _refine(word: str):
    """A keyword counts as written (Bicep is case-sensitive) and, where a name also fits
    and a ':' follows, is a property name (`type: 'x'`, `resource: r`, `if: 1`)."""
    keep = word in _ALWAYS_KEYWORDS

    def refine(kind: str, row: dict, text: str, end: int) -> str:
        if kind == "NAME":
            return kind
        if text[end - len(word):end] != word:
            return "NAME"
        if not keep and "NAME" in row:
            i = end
            while i < len(text) and text[i] in " \t":
                i += 1
            if (text.startswith(":", i) and not text.startswith("::", i)) or text.startswith("<", i):
                return "NAME"
        return kind

    return refine


LANGUAGE = lalr.Language(_tables, None, {}, _ALWAYS_KEYWORDS,
                         {lowered: _refine(word) for lowered, word in _KEYWORDS.items()}, tokenizer=_tokens)


# ---- building the tree -------------------------------------------------------------------

class _Body:
    """A resource body while it is built: the node (Object, Cond or ForExpr) and the
    nested resources taken out of it."""

    __slots__ = ("node", "children")

    def __init__(self, node, children: tuple) -> None:
        self.node = node
        self.children = children


def _is_token(value) -> bool:
    return type(value) is Token


def _name_text(token: Token) -> Text:
    return Text(token.text, token.start, token.end, token.start, "verbatim", 0, token.end)


def _dotted(node) -> str | None:
    """`a.b.c` as written, when `node` is a plain chain of names."""
    names = []
    while type(node) is GetAttr and not node.nested:
        names.append(node.name)
        node = node.target
    if type(node) is not Ref:
        return None
    names.append(node.name)
    return ".".join(reversed(names))


def _split_decorators(ch: list) -> tuple[tuple, list]:
    i = 0
    while i < len(ch) and type(ch[i]) is Decorator:
        i += 1
    return tuple(ch[:i]), ch[i:]


def _loop_names(ch: list) -> tuple[int, tuple[str, ...]]:
    """The position of IN in a loop's children and the loop variables before it."""
    names = []
    i = 0
    while not (_is_token(ch[i]) and ch[i].type == "IN"):
        if _is_token(ch[i]) and ch[i].type == "NAME":
            names.append(ch[i].text)
        i += 1
    return i, tuple(names)


def _integer(token: Token) -> int:
    """A NUMBER's value; Bicep reads whole numbers up to 2**64 - 1."""
    if len(token.text) > 20 or int(token.text) > 0xFFFFFFFFFFFFFFFF:
        raise _Problem("the number is too large: Bicep integers have at most 64 bits", token.start)
    return int(token.text)


class _Builder:
    """One callback per grammar rule; each gets (children, start offset, end offset)."""

    def __init__(self, text: str) -> None:
        self.text = text

    # ---- files and statements --------------------------------------------------------
    def bicep(self, ch, s, e):
        return Program(tuple(ch), 0, len(self.text))

    bicepparam = bicep

    def decorator(self, ch, s, e):
        # AT NAME (DOT NAME)* LPAR arguments RPAR
        paren = next(i for i, c in enumerate(ch) if _is_token(c) and c.type == "LPAR")
        name = ".".join(c.text for c in ch[1:paren] if c.type == "NAME")
        args = tuple(c for c in ch[paren + 1:] if not _is_token(c))
        return Decorator(Call(name, args, ch[1].start, e, ch[paren - 1].end), s, e)

    def _statement(self, kind, ch, s, e, name=None, type_=None, value=None, existing=False, children=()):
        decorators, rest = _split_decorators(ch)
        name_token = next((c for c in rest if _is_token(c) and c.type == "NAME"), None) if name else None
        name_start = name_token.start if name_token is not None else rest[0].start
        return Statement(kind, name, type_, value, s, e, decorators, existing, name_start, children)

    def target_scope(self, ch, s, e):
        return self._statement("targetScope", ch, s, e, value=ch[-1])

    def metadata_decl(self, ch, s, e):
        _, rest = _split_decorators(ch)
        return self._statement("metadata", ch, s, e, name=rest[1].text, value=ch[-1])

    def param_decl(self, ch, s, e):
        _, rest = _split_decorators(ch)
        value = rest[-1] if len(rest) == 5 else None
        return self._statement("param", ch, s, e, name=rest[1].text, type_=rest[2], value=value)

    def var_decl(self, ch, s, e):
        _, rest = _split_decorators(ch)
        type_ = rest[2] if len(rest) == 5 else None
        return self._statement("var", ch, s, e, name=rest[1].text, type_=type_, value=rest[-1])

    def output_decl(self, ch, s, e):
        _, rest = _split_decorators(ch)
        return self._statement("output", ch, s, e, name=rest[1].text, type_=rest[2], value=rest[-1])

    def type_decl(self, ch, s, e):
        _, rest = _split_decorators(ch)
        return self._statement("type", ch, s, e, name=rest[1].text, type_=rest[-1])

    def func_decl(self, ch, s, e):
        _, rest = _split_decorators(ch)
        close = next(i for i, c in enumerate(rest) if _is_token(c) and c.type == "RPAR")
        names = tuple(c[0] for c in rest[3:close] if type(c) is tuple)
        lam = ForExpr(names, None, rest[-1], rest[2].start, e)
        return self._statement("func", ch, s, e, name=rest[1].text, type_=rest[close + 1], value=lam)

    def typed_name(self, ch, s, e):
        return (ch[0].text, ch[1])

    def resource_type(self, ch, s, e):
        return Call("resource", (ch[1],), s, e, ch[0].end)

    def bare_resource_type(self, ch, s, e):
        return Call("resource", (), s, e, e)

    def resource_decl(self, ch, s, e):
        _, rest = _split_decorators(ch)
        body = rest[-1]
        existing = _is_token(rest[3]) and rest[3].type == "EXISTING"
        return self._statement("resource", ch, s, e, name=rest[1].text, type_=rest[2], value=body.node,
                               existing=existing, children=body.children)

    def resource_body(self, ch, s, e):
        items = []
        children = []
        for child in ch:
            if type(child) is Statement:
                children.append(child)
            elif type(child) is Item:
                items.append(child)
            elif type(child) is Unary:
                items.append(Item(None, child, child.start, child.end))
        return _Body(Object(tuple(items), s, e), tuple(children))

    def resource_if(self, ch, s, e):
        body = ch[-1]
        return _Body(Cond(ch[2], body.node, None, s, e), body.children)

    def resource_for(self, ch, s, e):
        at, names = _loop_names(ch)
        body = ch[at + 3]
        node = body.node
        if type(node) is Cond:
            loop = ForExpr(names, ch[at + 1], node.then, s, e, condition=node.test)
        else:
            loop = ForExpr(names, ch[at + 1], node, s, e)
        return _Body(loop, body.children)

    def module_decl(self, ch, s, e):
        _, rest = _split_decorators(ch)
        return self._statement("module", ch, s, e, name=rest[1].text, type_=rest[2], value=rest[-1])

    def module_if(self, ch, s, e):
        return Cond(ch[2], ch[-1], None, s, e)

    def module_for(self, ch, s, e):
        at, names = _loop_names(ch)
        body = ch[at + 3]
        if type(body) is Cond:
            return ForExpr(names, ch[at + 1], body.then, s, e, condition=body.test)
        return ForExpr(names, ch[at + 1], body, s, e)

    def import_decl(self, ch, s, e):
        _, rest = _split_decorators(ch)
        if type(rest[1]) in (Text, Template):    # import 'provider@version' [with {...}] [as alias]
            alias = rest[-1].text if _is_token(rest[-1]) and rest[-1].type == "NAME" else None
            statement = self._statement("extension", ch, s, e, value=rest[1])
            return statement._replace(name=alias)
        alias = rest[3].text if _is_token(rest[1]) and rest[1].type == "STAR" else None
        statement = self._statement("import", ch, s, e, value=rest[-1])
        if alias is not None:
            statement = statement._replace(name=alias, name_start=rest[3].start)
        return statement

    def import_list(self, ch, s, e):
        return None

    def import_item(self, ch, s, e):
        return None

    def extension_decl(self, ch, s, e):
        _, rest = _split_decorators(ch)
        spec = rest[1]
        value = Ref(spec.text, spec.start, spec.end) if _is_token(spec) else spec
        alias = rest[-1] if _is_token(rest[-1]) and rest[-1].type == "NAME" and len(rest) > 2 else None
        name = alias.text if alias is not None else (spec.text if _is_token(spec) else None)
        statement = self._statement("extension", ch, s, e, value=value)
        start = alias.start if alias is not None else (spec.start if _is_token(spec) else statement.name_start)
        return statement._replace(name=name, name_start=start)

    def test_decl(self, ch, s, e):
        _, rest = _split_decorators(ch)
        return self._statement("test", ch, s, e, name=rest[1].text, type_=rest[2], value=rest[-1])

    def assert_decl(self, ch, s, e):
        _, rest = _split_decorators(ch)
        return self._statement("assert", ch, s, e, name=rest[1].text, value=rest[-1])

    def using_decl(self, ch, s, e):
        _, rest = _split_decorators(ch)
        target = rest[1]
        if _is_token(target):
            target = Ref(target.text, target.start, target.end)
        return self._statement("using", ch, s, e, value=target)

    def extends_decl(self, ch, s, e):
        return self._statement("extends", ch, s, e, value=ch[-1])

    def param_assign(self, ch, s, e):
        _, rest = _split_decorators(ch)
        return self._statement("param", ch, s, e, name=rest[1].text, value=rest[-1])

    def extension_config(self, ch, s, e):
        _, rest = _split_decorators(ch)
        return self._statement("extensionConfig", ch, s, e, name=rest[1].text, value=rest[-1])

    # ---- types -----------------------------------------------------------------------
    def union_type(self, ch, s, e):
        return ch[0]

    def union_members(self, ch, s, e):
        if len(ch) == 2:        # | T
            return ch[1]
        return Binary("|", ch[0], ch[2], s, e)

    def nullable_type(self, ch, s, e):
        return Unary("?", ch[0], s, e)

    def non_null_type(self, ch, s, e):
        return Unary("nonnull", ch[0], s, e)

    def array_type(self, ch, s, e):
        return Index(ch[0], None, s, e)

    def items_type(self, ch, s, e):
        star = ch[2]
        return Index(ch[0], Ref("*", star.start, star.end), s, e)

    def index_type(self, ch, s, e):
        return Index(ch[0], ch[2], s, e)

    def member_type(self, ch, s, e):
        return GetAttr(ch[0], ch[2].text, s, e)

    def additional_type(self, ch, s, e):
        return GetAttr(ch[0], "*", s, e)

    def member_generic_type(self, ch, s, e):
        args = tuple(c for c in ch[4:] if not _is_token(c))
        return self._method(ch[0], ch[2], args, s, e)

    def type_name(self, ch, s, e):
        return Ref(ch[0].text, s, e)

    def generic_type(self, ch, s, e):
        return Call(ch[0].text, tuple(c for c in ch[2:] if not _is_token(c)), s, e, ch[0].end)

    def negative_number(self, ch, s, e):
        return Literal_(-_integer(ch[1]), s, e)

    def object_type(self, ch, s, e):
        return Object(tuple(c for c in ch if type(c) is Item), s, e)

    def type_property(self, ch, s, e):
        _, rest = _split_decorators(ch)
        key = _name_text(rest[0]) if _is_token(rest[0]) else rest[0]
        return Item(key, rest[-1], s, e)

    def additional_property(self, ch, s, e):
        _, rest = _split_decorators(ch)
        return Item(Ref("*", rest[0].start, rest[0].end), rest[-1], s, e)

    def tuple_type(self, ch, s, e):
        return Array(tuple(c for c in ch if not _is_token(c)), s, e)

    def tuple_item(self, ch, s, e):
        return ch[-1]

    def paren_type(self, ch, s, e):
        return ch[1]

    # ---- expressions -----------------------------------------------------------------
    def lambda_(self, ch, s, e):
        if ch[0].type == "NAME":
            return ForExpr((ch[0].text,), None, ch[-1], s, e)
        names = []
        for param in ch[1:-2]:
            if _is_token(param):
                continue
            if type(param) is not Ref:
                raise _Problem("a lambda's parameters must be plain names: (a, b) => ...", param.start)
            names.append(param.name)
        return ForExpr(tuple(names), None, ch[-1], s, e)

    def cond(self, ch, s, e):
        return Cond(ch[0], ch[2], ch[4], s, e)

    def binary(self, ch, s, e):
        return Binary(ch[1].text, ch[0], ch[2], s, e)

    def unary(self, ch, s, e):
        operand = ch[1]
        if ch[0].type == "MINUS" and type(operand) is Literal_ and type(operand.value) is int:
            return Literal_(-operand.value, s, e)
        return Unary(ch[0].text, operand, s, e)

    def attribute(self, ch, s, e):
        return GetAttr(ch[0], ch[2].text, s, e)

    def safe_attribute(self, ch, s, e):
        return Index(ch[0], _name_text(ch[3]), s, e, True)

    def _method(self, target, name: Token, args: tuple, s: int, e: int) -> Call:
        dotted = _dotted(target)
        if dotted is not None:
            return Call(f"{dotted}.{name.text}", args, s, e, name.end)
        return Call("." + name.text, (target, *args), s, e, name.end)

    def method_call(self, ch, s, e):
        return self._method(ch[0], ch[2], tuple(c for c in ch[4:] if not _is_token(c)), s, e)

    def index(self, ch, s, e):
        safe = hat = None
        for child in ch[2:4]:
            if _is_token(child) and child.type == "QMARK":
                safe = child
            elif _is_token(child) and child.type == "HAT":
                hat = child
        key = ch[-2]
        if hat is not None:
            key = Unary("^", key, hat.start, key.end)
        return Index(ch[0], key, s, e, safe is not None)

    def nested_resource(self, ch, s, e):
        return GetAttr(ch[0], ch[2].text, s, e, True)

    def non_null(self, ch, s, e):
        return Unary("nonnull", ch[0], s, e)

    def number(self, ch, s, e):
        return Literal_(_integer(ch[0]), s, e)

    def true(self, ch, s, e):
        return Literal_(True, s, e)

    def false(self, ch, s, e):
        return Literal_(False, s, e)

    def null(self, ch, s, e):
        return Literal_(None, s, e)

    def ref(self, ch, s, e):
        return Ref(ch[0].text, s, e)

    def call(self, ch, s, e):
        return Call(ch[0].text, tuple(c for c in ch[2:] if not _is_token(c)), s, e, ch[0].end)

    def paren(self, ch, s, e):
        inner = [c for c in ch if not _is_token(c)]
        if len(inner) != 1:
            comma = next(c for c in ch[2:] if _is_token(c) and c.type == "COMMA")
            raise _Problem("parentheses hold one expression; a list in parentheses must be a lambda's "
                           "parameters, followed by '=>'", comma.start)
        return inner[0]

    def string(self, ch, s, e):
        if len(ch) == 1:
            value, raw_start, raw_end, style = ch[0].text
            return Text(value, s, e, raw_start, style, 0, raw_end)
        parts = []
        for child in ch:
            if _is_token(child):
                value, raw_start, raw_end, style = child.text
                if value:
                    parts.append(Text(value, raw_start, raw_end, raw_start, style, 0, raw_end))
            else:
                parts.append(child)
        return Template(tuple(parts), s, e)

    def object(self, ch, s, e):
        items = []
        for child in ch:
            if type(child) is Item:
                items.append(child)
            elif type(child) is Unary:
                items.append(Item(None, child, child.start, child.end))
        return Object(tuple(items), s, e)

    def property(self, ch, s, e):
        key = _name_text(ch[0]) if _is_token(ch[0]) else ch[0]
        return Item(key, ch[2], s, e)

    def spread(self, ch, s, e):
        return Unary("...", ch[1], s, e)

    def array(self, ch, s, e):
        return Array(tuple(c for c in ch if not _is_token(c)), s, e)

    def for_expr(self, ch, s, e):
        at, names = _loop_names(ch)
        return ForExpr(names, ch[at + 1], ch[at + 3], s, e)


# ---- parsing and errors ------------------------------------------------------------------

_CALLBACK_NAMES = {"lambda": "lambda_"}


def parse_bicep(text: str, file: str, *, params: bool | None = None) -> Program:
    """Parse a .bicep file (or, with `params` or a `file` ending in .bicepparam, a
    .bicepparam file). Raises InputError naming `file`, line and column."""
    if params is None:
        params = file.lower().endswith(".bicepparam")
    start = "bicepparam" if params else "bicep"
    builder = _Builder(text)
    callbacks = [getattr(builder, _CALLBACK_NAMES.get(name, name), None)
                 for _lhs, _size, name, _keep, _mode, _splice in _tables.RULES]
    try:
        return lalr.parse(text, LANGUAGE, callbacks, start)
    except _Problem as problem:
        raise _error(problem.message, problem.offset, text, file) from None
    except lalr.ParseFailure as failure:
        message, offset = _parse_message(failure, text, params)
        raise _error(message, offset, text, file) from None
    except RecursionError:
        raise InputError("the file nests too deeply to read", file, 1, 1) from None


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset`, lines ending at CRLF, LF or a lone CR (as Bicep)."""
    line = 1
    line_start = 0
    for m in _LINE_BREAK.finditer(text, 0, offset):
        line += 1
        line_start = m.end()
    return line, offset - line_start + 1


def _error(message: str, offset: int, text: str, file: str) -> InputError:
    line, column = _position(text, min(offset, len(text)))
    return InputError(message, file, line, column)


_WORDS = {
    "NAME": "a name", "NUMBER": "a number", "STRING": "a string", "STRING_LEFT": "a string",
    "STRING_MID": "'}'", "STRING_RIGHT": "'}'", "_NL": "a line break", "$END": "the end of the file",
}
_WORDS.update({terminal: f"'{text}'" for text, terminal in _OPERATORS.items()})
_WORDS.update({word.upper(): f"'{word}'" for word in _KEYWORDS.values()})
_EXPRESSION_STARTS = frozenset({"NAME", "NUMBER", "STRING", "STRING_LEFT", "LPAR", "LBRACE", "LSQB", "TRUE",
                                "FALSE", "NULL", "BANG", "MINUS"})
_TYPE_STARTS = frozenset({"NAME", "NUMBER", "STRING", "STRING_LEFT", "LPAR", "LBRACE", "LSQB", "TRUE", "FALSE",
                          "NULL", "MINUS", "PIPE"})
_OPERATOR_TERMINALS = frozenset({"PLUS", "MINUS", "STAR", "SLASH", "PERCENT", "LT", "LE", "GT", "GE", "EQEQ",
                                 "NOTEQ", "EQI", "NOTEQI", "ANDAND", "OROR", "COALESCE", "QMARK", "DOT", "LSQB",
                                 "DCOLON", "BANG"})
_DECLARATIONS = ("param", "var", "resource", "module", "output", "type", "func", "import", "metadata",
                 "targetScope")
_PARAM_FILE_DECLARATIONS = ("using", "param", "var", "type", "import")
_OPENERS = {"LBRACE": ("{", "RBRACE"), "LSQB": ("[", "RSQB"), "LPAR": ("(", "RPAR"),
            "STRING_LEFT": ("${", "STRING_MID"), "STRING_MID": ("${", "STRING_MID")}
_CLOSERS = {"RBRACE": "{", "RSQB": "[", "RPAR": "("}


def _describe(token: Token) -> str:
    if token.type == "$END":
        return "the end of the file"
    if token.type == "_NL":
        return "a line break"
    if token.type in ("STRING", "STRING_LEFT"):
        return "a string"
    if token.type in ("STRING_MID", "STRING_RIGHT"):
        return "'}'"
    shown = token.text if len(token.text) <= 40 else token.text[:37] + "..."
    return f"'{shown}'"


def _expected_words(expected: frozenset[str]) -> list[str]:
    left = set(expected)
    words = []
    if "PARAM" in left and ("RESOURCE" in left or "USING" in left):
        names = _DECLARATIONS if "RESOURCE" in left else _PARAM_FILE_DECLARATIONS
        words.append(f"a declaration ({', '.join(names)}, ...)")
        left -= {word.upper() for word in _KEYWORDS.values()} | {"AT", "_NL", "$END"}
    if "PIPE" in left and len(left & _TYPE_STARTS) >= 5:
        words.append("a type")
        left -= _TYPE_STARTS
    elif len(left & _EXPRESSION_STARTS) >= 5:
        words.append("an expression")
        left -= _EXPRESSION_STARTS | {"STRING_LEFT", "ELLIPSIS"}
    if len(left & _OPERATOR_TERMINALS) >= 5:
        words.append("an operator")
        left -= _OPERATOR_TERMINALS
    for terminal in sorted(left, key=lambda t: (t in ("_NL", "$END"), t == "STRING_LEFT", t)):
        word = _WORDS.get(terminal, terminal)
        if word not in words:
            words.append(word)
    if "a line break" in words and "the end of the file" in words:
        words.remove("the end of the file")
        words[words.index("a line break")] = "the end of the line"
    return words


def _open_bracket(values: list) -> Token | None:
    """The innermost bracket still open on the parser's stack (closed ones sit inside nodes)."""
    for value in reversed(values):
        if _is_token(value) and value.type in _OPENERS:
            return value
    return None


def _can_shift(failure: lalr.ParseFailure, terminal: str) -> bool:
    """Whether the parser, in the state it failed in, could take `terminal` (as
    lalr.viable_terminals, which leaves out terminals named with a leading "_" like _NL)."""
    actions = LANGUAGE.actions
    stack = list(failure.states)
    while True:
        action = actions[stack[-1]].get(terminal)
        if action is None:
            return False
        if action >= 0:
            return True
        lhs, size = LANGUAGE.rules[~action][:2]
        if size:
            del stack[-size:]
        stack.append(actions[stack[-1]][lhs])


def _parse_message(failure: lalr.ParseFailure, text: str, params: bool) -> tuple[str, int]:
    token = failure.token
    expected = failure.expected
    if _can_shift(failure, "_NL"):
        expected = expected | {"_NL"}
    values = failure.values
    previous = values[-1] if values else None
    found = _describe(token)
    at_end = token.type == "$END"
    offset = failure.last_end if at_end else token.start

    def place(opener: Token) -> str:
        line, column = _position(text, opener.start)
        return f"line {line}, column {column}"

    opener = _open_bracket(values)
    if token.type == "_NL" and isinstance(previous, Token) and previous.type == "COMMA":
        return ("a line break right after ',': separate items with a comma or a line break, not both", previous.start)
    if (token.type == "NUMBER" and isinstance(previous, Token) and previous.type == "DOT" and len(values) > 1
            and type(values[-2]) is Literal_):
        return ("Bicep numbers are whole numbers: for a decimal write json('1.5') or a string", values[-2].start)
    if at_end and opener is not None:
        shown, _closer = _OPENERS[opener.type]
        if opener.type.startswith("STRING"):
            return ("unclosed string: the file ends inside its ${...}", opener.start)
        return f"unclosed '{shown}': the file ends before it is closed", opener.start
    if type(previous) is Decorator or (isinstance(previous, Token) and previous.type == "RPAR"
                                       and expected == {"_NL"}):
        if token.type != "_NL" and "_NL" in expected:
            return "a decorator must be on its own line: put the declaration on the next line", token.start
    if token.type in _CLOSERS and opener is None:
        return f"unexpected {found}: no '{_CLOSERS[token.type]}' is open here", token.start
    if opener is not None and opener.type in ("LBRACE", "LSQB", "LPAR") and token.type in _CLOSERS:
        shown, closer = _OPENERS[opener.type]
        if closer in expected and token.type != closer:
            return f"expected '{_WORDS[closer][1:-1]}' to close the '{shown}' at {place(opener)}, found {found}", offset
    words = _expected_words(expected)
    if token.type == "NAME":
        lowered = token.text.lower()
        if lowered in _KEYWORDS and _KEYWORDS[lowered].upper() in expected:
            keyword = _KEYWORDS[lowered]
            return (f"expected {lalr.either(words[:6])}, found {found}: Bicep keywords are case-sensitive, "
                    f"write '{keyword}'"), offset
    if token.type == "_NL" and previous is not None and ("COLON" in expected or "ASSIGN" in expected):
        message = f"expected {lalr.either(words[:6])} on the same line, found a line break"
    elif at_end:
        message = f"the file ends too early: expected {lalr.either(words[:6])}"
    else:
        message = f"expected {lalr.either(words[:6])}, found {found}"
    if token.type == "_NL" and opener is not None and opener.type == "LPAR":
        message += f" (inside the '(' at {place(opener)}, a line break may only follow '(' or ',')"
    return message, offset


# ---- positions in strings ----------------------------------------------------------------

def text_position(node: Text, file_text: str, offset: int) -> int:
    """The offset in the file of character `offset` of `node.value` (or, for a character
    written as an escape, of the escape's backslash; `offset == len(value)` gives where the
    value ends). `file_text` is the text the node was parsed from."""
    if offset < 0 or offset > len(node.value):
        raise ValueError(f"offset {offset} is outside the string's value (length {len(node.value)})")
    if node.style == "verbatim":
        return node.raw_start + offset
    if node.style == "indented":
        value = node.value
        line = value.count("\n", 0, offset)
        column = offset - (value.rfind("\n", 0, offset) + 1)
        if line == 0:
            return node.raw_start + column
        position = node.raw_start
        for _ in range(line):
            position = file_text.index("\n", position) + 1
        return position + node.indent + column
    position = node.raw_start
    produced = 0
    while produced < offset:
        if file_text[position] != "\\":
            position += 1
            produced += 1
            continue
        following = file_text[position + 1]
        if following == "u":
            position = file_text.index("}", position) + 1
            produced += 1
        elif following == "$" and file_text.startswith("{", position + 2):
            if produced + 1 == offset:      # the "{" of an escaped "${": written as itself
                return position + 2
            position += 3
            produced += 2
        else:
            position += 2
            produced += 1
    return position
