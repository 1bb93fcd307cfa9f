"""Text of a Terraform file (`.tf`, `.tfvars`) -> `exprs.Body`, or one `InputError`.

    parse_hcl(text, file)                     # the file's attributes and blocks
    text_position(text_node, file_text, i)    # the file offset of character i of a string's value

HCL's native syntax as Terraform writes it. The grammar is grammars/hcl.lark (its header
says how line breaks count); the parse tables are generated into
schemacheck/jobs/_hcl_tables.py and run by schemacheck.lalr, so nothing here imports lark.
The tokenizer below follows HCL's scanner (hashicorp/hcl, hclsyntax/scan_tokens.rl) and the
template rules of hclsyntax/parser_template.go:

- names may hold dashes (`a-b` is one name); numbers are `1`, `1.5`, `1e3`; white space
  between tokens is spaces and tabs; a line ends with LF or CRLF; comments are `#`, `//`
  (to the end of the line) and `/* */`;
- a quoted string stays on one line and takes the escapes \\n \\r \\t \\" \\\\ \\uNNNN
  \\UNNNNNNNN; `$${` and `%%{` stand for `${` and `%{` in quoted strings and heredocs;
- a heredoc `<<EOT` / `<<-EOT` starts after the line break that must follow its marker and
  ends at a line holding only the marker (spaces around it allowed); its value ends with a
  line break. `<<-` removes from each line the smallest number of leading white-space
  characters among its lines, blank lines (white space only) neither counting nor trimmed;
- `${~` / `%{~` drop the white space before them, `~}` the white space after, before `<<-`
  removes indentation (HCL's order).

What the tree holds, beyond exprs.py's own documentation:

- A string without interpolation is a Text: "escaped" for a quoted string, "verbatim" for
  `<<`, "indented" (`indent` the characters removed) for `<<-`. `raw_start` is where its
  value's first character is written and `raw_end` where its content ends, for every
  style; `text_position` maps a value offset to a file offset.
- A string with interpolation is a Template of Text parts (no empty ones) and expressions;
  `"${x}"` is a Template with the one part x (its value is x's value, as in HCL).
- A directive is one part `Call("%directive", (construct,))`: `%{ if c }a%{ else }b%{ endif }`
  holds Cond(c, Template(a), Template(b)) (otherwise None without `%{ else }`);
  `%{ for k, v in xs }body%{ endfor }` holds ForExpr(("k", "v"), xs, Template(body)).
- `true`, `false`, `null` are Literal_; a number is an int when written without `.` or an
  exponent, else a float; `-1` is Unary("-", Literal_(1)) (as in HCL).
- A block's body is the tuple of its Attributes and Blocks; labels are unquoted
  (`label_starts`: where each label, or its opening quote, is written).
- An object key written as a bare name is a Text (style "verbatim"), a quoted key its Text
  or Template; any other key (`(var.k)`, `var.k`) is the expression.
- `a.0` is Index(a, Literal_(0)); `a[*].b.c` and `a.*.b` are Splat(a, ("b", "c")); an index
  after `[*]` with a literal key joins `rest` as its text (`a[*].b[0]` rest ("b", "0"),
  as `x.b.0` means `x.b[0]` in HCL); a computed index ends the splat: Index(Splat, key).
- `provider::x::f(a)` is Call("provider::x::f"); `f(xs...)` sets `expand`.
- Parentheses leave no node (the inner node's span does not include them).
- Brackets, braces and template sequences may nest MAX_NESTING (100) deep.

One difference from HCL: `<<-` counts the white space it removes in characters, HCL in
grapheme clusters; they differ only for a combining mark right after a line's indentation.
"""

from __future__ import annotations

import re

from schemacheck import lalr
from schemacheck.errors import InputError
from schemacheck.jobs import _hcl_tables as _tables
from schemacheck.jobs.exprs import (
    Array,
    Attribute,
    Binary,
    Block,
    Body,
    Call,
    Cond,
    ForExpr,
    GetAttr,
    Index,
    Item,
    Literal_,
    Object,
    Ref,
    Splat,
    Template,
    Text,
    Unary,
)

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the import below
if TYPE_CHECKING:
    from collections.abc import Iterator

    from schemacheck.jobs.exprs import TextStyle

# Go's unicode.IsSpace, which HCL uses to trim heredocs, markers and `~` strips.
SPACES = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
          "\u2028\u2029\u202f\u205f\u3000")
_INFINITE = 1 << 60
# Brackets, braces and template sequences inside one another: Terraform needs a handful; a
# limit keeps whoever walks the tree (recursively) safe from a hostile file.
MAX_NESTING = 100


class _Problem(Exception):
    """A syntax error: the message and the offset it is about."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message, offset)
        self.message = message
        self.offset = offset


# ---- tokenizer ---------------------------------------------------------------------------

_MAIN = re.compile(r"""
    (?P<ws>[ \t]+)
  | (?P<nl>\r?\n)
  | (?P<comment>\#[^\r\n]*|//[^\r\n]*|/\*(?:[^*]|\*(?!/))*\*/)
  | (?P<open_comment>/\*)
  | (?P<NAME>[^\W\d][\w-]*)
  | (?P<NUMBER>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<heredoc><<(?P<dash>-?)(?P<marker>[^\W\d][\w-]*)\r?\n)
  | (?P<open_heredoc><<-?[^\W\d][\w-]*)
  | (?P<op>==|!=|>=|<=|&&|\|\||::|\.\.\.|=>|~\}|[\[\](){}.,*/%+\-=<>!?:"])
    """, re.VERBOSE)

_OPERATORS = {
    "==": "EQ_EQ", "!=": "NOT_EQ", ">=": "GE", "<=": "LE", "&&": "AND_AND", "||": "OR_OR",
    "::": "_DOUBLE_COLON", "...": "ELLIPSIS", "=>": "_FAT_ARROW", "~}": "TEMPLATE_SEQ_END",
    "[": "_LSQB", "]": "_RSQB", "(": "_LPAR", ")": "_RPAR", "{": "_LBRACE", "}": "_RBRACE",
    ".": "_DOT", ",": "_COMMA", "*": "STAR", "/": "SLASH", "%": "PERCENT", "+": "PLUS",
    "-": "MINUS", "=": "_EQUAL", "<": "LT", ">": "GT", "!": "BANG", "?": "_QMARK", ":": "_COLON",
}

# A quoted string's literal text up to its end, a template sequence or a line break.
_QUOTED = re.compile(r'(?:[^"\\\r\n$%]+|\\[^\r\n]|\$\$\{|%%\{|\$(?!\{)|%(?!\{))+')
# Where a template sequence starts in a heredoc's line (an escaped one is passed over).
_SEQUENCE = re.compile(r"\$\$\{|%%\{|([$%]\{)")
_DIRECTIVE = re.compile(r"[ \t\r\n]*([^\W\d][\w-]*)?")
_DIRECTIVES = {"if": "CTRL_IF", "else": "CTRL_ELSE", "endif": "CTRL_ENDIF", "for": "CTRL_FOR",
               "endfor": "CTRL_ENDFOR"}
_FOR_AHEAD = re.compile(r"[ \t]*for(?![\w-])")

# Contexts: whether a line break is a token there.
_BODY, _OBJECT, _LOOP, _PAREN, _BRACKET, _SEQ = range(6)


class _String:
    """A quoted string or heredoc being read: where it opened, and a heredoc's marker."""

    __slots__ = ("opened", "marker", "line_start")

    def __init__(self, opened: int, marker: str | None = None) -> None:
        self.opened = opened
        self.marker = marker
        self.line_start = True


def _describe_char(char: str) -> str:
    if char.isprintable() and not char.isspace():
        return f"'{char}'"
    return repr(char)


def _tokens(text: str) -> Iterator[tuple[str, str, int, int]]:
    """(kind, text, start, end) of each token, as schemacheck.lalr's `tokenizer` hook takes them."""
    length = len(text)
    pos = 1 if text.startswith("\ufeff") else 0
    # The context stack: [kind, at_head] (a body: no '=' yet on this line) / [_SEQ, string].
    stack: list[list] = [[_BODY, True]]
    string: _String | None = None
    last_nl = True   # no line break token right after another (or at the start)
    main = _MAIN.match
    while True:
        if string is not None:
            if string.marker is None:
                # ---- a quoted string
                m = _QUOTED.match(text, pos)
                if m is not None:
                    yield "STRING_LIT", m.group(), pos, m.end()
                    pos = m.end()
                char = text[pos:pos + 1]
                if char == '"':
                    yield "CQUOTE", char, pos, pos + 1
                    pos += 1
                    string = None
                    last_nl = False
                    continue
                if char in ("$", "%"):
                    pos = yield from _sequence(text, pos, stack, string)
                    string = None
                    continue
                raise _Problem("unclosed string: a quoted string must end with '\"' on the line it starts "
                               "(a heredoc <<EOT holds several lines)", string.opened)
            # ---- a heredoc
            if pos >= length:
                raise _Problem(f"unclosed heredoc: no line '{string.marker}' ends the heredoc started here",
                               string.opened)
            eol = text.find("\n", pos)
            line_end = length if eol < 0 else eol + 1
            if string.line_start:
                stripped = text[pos:line_end].strip(SPACES)
                if stripped == string.marker:
                    marker_start = text.index(stripped, pos)
                    yield "CHEREDOC", stripped, marker_start, marker_start + len(stripped)
                    pos = marker_start + len(stripped)
                    string = None
                    last_nl = False
                    continue
            m = _SEQUENCE.search(text, pos, line_end)
            while m is not None and m.group(1) is None:
                m = _SEQUENCE.search(text, m.end(), line_end)
            if m is None:
                yield "STRING_LIT", text[pos:line_end], pos, line_end
                pos = line_end
                string.line_start = True
                continue
            if m.start() > pos:
                yield "STRING_LIT", text[pos:m.start()], pos, m.start()
            string.line_start = False
            pos = yield from _sequence(text, m.start(), stack, string)
            string = None
            continue

        # ---- between strings
        m = main(text, pos)
        if m is None:
            if pos >= length:
                return
            raise _Problem(f"unexpected character {_describe_char(text[pos])}", pos)
        kind = m.lastgroup or ""
        end = m.end()
        if kind == "ws" or kind == "comment":
            pos = end
            continue
        top = stack[-1]
        if kind == "nl":
            if top[0] <= _OBJECT:
                if not last_nl:
                    yield "_NL", "\n", pos, end
                    last_nl = True
                top[1] = True
            pos = end
            continue
        last_nl = False
        word = m.group()
        if len(stack) > MAX_NESTING + 1:   # the file's own body is the first
            raise _Problem(f"brackets, braces and strings nest more than {MAX_NESTING} deep here", pos)
        if kind == "op":
            kind = _OPERATORS.get(word, "")
            if word == "{":
                if top[0] == _BODY and top[1]:
                    stack.append([_BODY, True])
                elif _FOR_AHEAD.match(text, end):
                    stack.append([_LOOP, False])
                else:
                    stack.append([_OBJECT, False])
            elif word == "}" or word == "~}":
                if top[0] == _SEQ:
                    kind = "TEMPLATE_SEQ_END"
                    stack.pop()
                    string = top[1]
                elif word == "}" and top[0] <= _LOOP and len(stack) > 1:
                    stack.pop()
            elif word == "(":
                stack.append([_PAREN, False])
            elif word == "[":
                stack.append([_BRACKET, False])
            elif (word == ")" and top[0] == _PAREN) or (word == "]" and top[0] == _BRACKET):
                stack.pop()
            elif word == "=":
                if top[0] == _BODY:
                    top[1] = False
            elif word == '"':
                yield "OQUOTE", word, pos, end
                string = _String(pos)
                pos = end
                continue
        elif kind == "heredoc":
            introducer_end = m.end("marker")
            yield "OHEREDOC", text[pos:introducer_end], pos, introducer_end
            string = _String(pos, m.group("marker"))
            pos = end
            continue
        elif kind == "open_comment":
            raise _Problem("unclosed comment: '/*' has no '*/' after it", pos)
        elif kind == "open_heredoc":
            if end == length:
                raise _Problem(f"unclosed heredoc: no line '{word.lstrip('<-')}' ends the heredoc started here", pos)
            raise _Problem(f"a heredoc's marker must end its line: nothing may follow '{word}' on the line", pos)
        yield kind, word, pos, end
        pos = end


def _sequence(text: str, pos: int, stack: list, string: _String):
    """`${` or `%{ keyword` at `pos` inside `string`: its token; returns where reading goes on."""
    strip = text.startswith("~", pos + 2)
    after = pos + 2 + strip
    if text[pos] == "$":
        yield "TEMPLATE_INTERP", text[pos:after], pos, after
    else:
        m = _DIRECTIVE.match(text, after)
        assert m is not None   # every part of the pattern is optional
        word = m.group(1)
        kind = _DIRECTIVES.get(word or "")
        if kind is None:
            found = f"'{word}'" if word else _describe_char(text[m.end()]) if m.end() < len(text) else "the end"
            raise _Problem(f"expected if, for, else, endif or endfor after '%{{', found {found}",
                           m.start(1) if word else m.end())
        after = m.end()
        yield kind, text[pos:after], pos, after
    stack.append([_SEQ, string])
    return after


# ---- literal text ------------------------------------------------------------------------------

_ESCAPE = re.compile(r'\\(?:(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})|([nrt"\\]))|(\$\$\{|%%\{)|\\')
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _decode(raw: str, offset: int, quoted: bool) -> str:
    """The value of a literal piece written `raw` at `offset` (a quoted string's escapes, and
    `$${` / `%%{` everywhere)."""
    if quoted:
        if "\\" not in raw and "$${" not in raw and "%%{" not in raw:
            return raw

        def replace(m: re.Match) -> str:
            code, simple, template = m.group(1), m.group(2), m.group(3)
            if simple is not None:
                return _SIMPLE_ESCAPES[simple]
            if template is not None:
                return template[1:]
            if code is not None:
                number = int(code[1:], 16)
                if number > 0x10FFFF or 0xD800 <= number < 0xE000:
                    raise _Problem(f"invalid escape sequence '\\{code}': U+{number:04X} is not a character",
                                   offset + m.start())
                return chr(number)
            selector = raw[m.end():m.end() + 1]
            if selector in ("u", "U"):
                digits = 4 if selector == "u" else 8
                raise _Problem(f"invalid escape sequence: \\{selector} must be followed by {digits} hexadecimal "
                               "digits", offset + m.start())
            raise _Problem(f"invalid escape sequence '\\{selector}' in a string (the escapes are \\n \\r \\t "
                           "\\\" \\\\ \\uNNNN \\UNNNNNNNN)", offset + m.start())

        return _ESCAPE.sub(replace, raw)
    if "$${" in raw or "%%{" in raw:
        return raw.replace("$${", "${").replace("%%{", "%{")
    return raw


def _raw_offsets(file_text: str, raw_start: int, raw_end: int, escaped: bool) -> list[int]:
    """For each character of the value written from raw_start to raw_end (no line
    handling), the offset where it (or its escape) starts; then raw_end."""
    offsets: list[int] = []
    index = raw_start
    while index < raw_end:
        char = file_text[index]
        if char == "\\" and escaped:
            marker = file_text[index + 1:index + 2]
            offsets.append(index)
            index += 6 if marker == "u" else 10 if marker == "U" else 2
            continue
        if (char == "$" or char == "%") and file_text.startswith("{", index + 2) and file_text[index + 1] == char:
            offsets.extend((index, index + 2))   # "$${" is "${": its "$" and its "{"
            index += 3
            continue
        offsets.append(index)
        index += 1
    offsets.append(raw_end)
    return offsets


def text_position(text_node: Text, file_text: str, offset_in_value: int) -> int:
    """The offset in `file_text` of character `offset_in_value` of `text_node.value`: where
    the character is written, or where its escape (`\\n`, `\\u00e9`, `$${`) starts; the
    value's length maps to where its content ends (`raw_end`). Handles the three styles of
    exprs.Text: "escaped" (a quoted string), "verbatim" (`<<EOT`) and "indented" (`<<-EOT`:
    each line after the first starts `indent` characters into the file's line, a line of
    white space only at its start, as HCL leaves such lines alone). The offsets of a string
    are worked out once (the last few strings are remembered)."""
    key = (text_node, id(file_text))
    cached = _TABLES.get(key)
    if cached is None or cached[0] is not file_text:
        if len(_TABLES) >= 32:
            _TABLES.clear()
        cached = _TABLES[key] = (file_text, _offset_table(text_node, file_text))
    table = cached[1]
    return table[max(0, min(offset_in_value, len(table) - 1))]


_TABLES: dict = {}


def _offset_table(node: Text, file_text: str) -> list[int]:
    """text_position for every offset of the value, and its length."""
    length = len(node.value)
    raw_end = min(node.raw_end or len(file_text), len(file_text))
    if node.style == "escaped":
        offsets = _raw_offsets(file_text, node.raw_start, raw_end, True)[:length]
    else:
        indent = node.indent if node.style == "indented" else 0
        offsets = []
        line_start = node.raw_start
        while len(offsets) < length and line_start < len(file_text):
            if offsets:   # a line after the first: HCL removed the indentation unless it is blank
                next_end = file_text.find("\n", line_start)
                line = file_text[line_start:len(file_text) if next_end < 0 else next_end]
                if indent and line.strip(SPACES):
                    line_start += indent
            line_end = file_text.find("\n", line_start)
            line_end = len(file_text) if line_end < 0 else line_end + 1
            offsets.extend(_raw_offsets(file_text, line_start, line_end, False)[:-1])
            line_start = line_end
        del offsets[length:]
    while len(offsets) < length:   # a node of another file: stay within this one
        offsets.append(min(offsets[-1] + 1 if offsets else node.raw_start, len(file_text)))
    offsets.append(raw_end)
    return offsets


class _Lit:
    """A literal piece of a template while HCL's trimming rules run over it."""

    __slots__ = ("value", "raw_start", "raw_end", "quoted")

    def __init__(self, value: str, raw_start: int, raw_end: int, quoted: bool) -> None:
        self.value = value
        self.raw_start = raw_start
        self.raw_end = raw_end
        self.quoted = quoted


class _Sequence:
    """`${ expr }` or one `%{ ... }` marker of a directive, with its strip flags."""

    __slots__ = ("kind", "node", "names", "strip_before", "strip_after", "start", "end", "inner")

    def __init__(self, kind: str, node, opener: lalr.Token, closer: lalr.Token, names: tuple = ()) -> None:
        self.kind = kind          # "interp", "if", "else", "endif", "for", "endfor"
        self.node = node
        self.names = names
        self.strip_before = opener.text.startswith("~", 2)
        self.strip_after = closer.text == "~}"
        self.start = opener.start
        self.end = closer.end
        self.inner = closer.end   # where the text the marker opens starts


class _Directive:
    """A directive's markers and parts in order, flattened into its template."""

    __slots__ = ("items",)

    def __init__(self, items: list) -> None:
        self.items = items


def _flatten(items, out: list) -> list:
    for item in items:
        if type(item) is _Directive:
            _flatten(item.items, out)
        else:
            out.append(item)
    return out


# ---- tree builder ---------------------------------------------------------------------------

_BARE_KEYWORDS = {"true": True, "false": False, "null": None}


class _Builder:
    """One callback per grammar rule; each gets (children, start offset, end offset)."""

    def __init__(self, text: str) -> None:
        self.text = text

    # ---- bodies
    def start(self, ch, s, e):
        return Body(tuple(ch), 0, len(self.text))

    def attribute(self, ch, s, e):
        name = ch[0]
        return Attribute(name.text, ch[1], s, e, name.start)

    def block(self, ch, s, e):
        labels = []
        starts = []
        for label in ch[1:-1]:
            if type(label) is lalr.Token:
                labels.append(label.text)
            elif type(label) is Text:
                labels.append(label.value)
            else:
                raise _Problem("a block label must be a plain string: no ${...} or %{...} in it", label.start)
            starts.append(label.start)
        return Block(ch[0].text, tuple(labels), ch[-1], s, e, tuple(starts))

    def block_body(self, ch, s, e):
        return tuple(ch)

    one_line_body = block_body

    # ---- operators
    def cond(self, ch, s, e):
        return Cond(ch[0], ch[1], ch[2], s, e)

    def binary(self, ch, s, e):
        return Binary(ch[1].text, ch[0], ch[2], s, e)

    def unary(self, ch, s, e):
        return Unary(ch[0].text, ch[1], s, e)

    # ---- traversals
    def get_attr(self, ch, s, e):
        return GetAttr(ch[0], ch[1].text, s, e)

    def legacy_index(self, ch, s, e):
        node = ch[0]
        token = ch[1]
        position = token.start
        for part in token.text.split("."):
            if not part.isdigit():
                raise _Problem(f"expected a name or an index after '.', found '{token.text}'", token.start)
            position += len(part)
            node = Index(node, Literal_(int(part), position - len(part), position), s, position)
            position += 1
        return node

    def index(self, ch, s, e):
        return Index(ch[0], ch[1], s, e)

    def splat(self, ch, s, e):
        target = ch[0]
        rest: list[str] = []
        node: GetAttr | Index | Splat | None = None
        for step in ch[2:]:
            if type(step) is lalr.Token:
                names = step.text.split(".") if step.type == "NUMBER" else [step.text]
                if node is None:
                    rest.extend(names)
                else:
                    for name in names:
                        node = GetAttr(node, name, s, step.end)
                continue
            key = _literal_key(step)
            if node is None and key is not None:
                rest.append(key)
                continue
            if node is None:
                node = Splat(target, tuple(rest), s, step.start - 1)
            node = Index(node, step, s, step.end + 1)
        if node is None:
            return Splat(target, tuple(rest), s, e)
        return node

    def attr_splat(self, ch, s, e):
        first, step = ch
        if step.type == "STAR":
            return Splat(first, (), s, e)
        return Splat(first.target, first.rest + (step.text,), s, e)

    # ---- primaries
    def number(self, ch, s, e):
        word = ch[0].text
        if word.isdigit():
            return Literal_(int(word), s, e)
        return Literal_(float(word), s, e)

    def ref(self, ch, s, e):
        name = ch[0].text
        if name in _BARE_KEYWORDS:
            return Literal_(_BARE_KEYWORDS[name], s, e)
        return Ref(name, s, e)

    def paren(self, ch, s, e):
        return ch[0]

    def call(self, ch, s, e):
        names = []
        args = []
        expand = False
        name_end = s
        for child in ch:
            if type(child) is lalr.Token:
                if child.type == "ELLIPSIS":
                    expand = True
                else:
                    names.append(child.text)
                    name_end = child.end
            else:
                args.append(child)
        return Call("::".join(names), tuple(args), s, e, name_end, expand)

    def tuple(self, ch, s, e):
        return Array(tuple(ch), s, e)

    def object(self, ch, s, e):
        return Object(tuple(ch), s, e)

    def object_item(self, ch, s, e):
        key = ch[0]
        if key.start == s and (type(key) is Ref or (type(key) is Literal_ and
                               self.text[key.start:key.end] in _BARE_KEYWORDS)):
            key = Text(self.text[key.start:key.end], key.start, key.end, key.start, "verbatim", 0, key.end)
        return Item(key, ch[1], s, e)

    def _loop(self, ch):
        """FOR names IN collection, then the rest: (names, collection, rest)."""
        index = 1
        names = []
        while ch[index].type == "NAME":
            names.append(ch[index].text)
            index += 1
        return tuple(names), ch[index + 1], ch[index + 2:]

    def for_tuple(self, ch, s, e):
        names, collection, rest = self._loop(ch)
        condition = rest[2] if len(rest) == 3 else None
        return ForExpr(names, collection, rest[0], s, e, None, condition)

    def for_object(self, ch, s, e):
        names, collection, rest = self._loop(ch)
        key, value = rest[0], rest[1]
        grouped = len(rest) > 2 and type(rest[2]) is lalr.Token and rest[2].type == "ELLIPSIS"
        condition = rest[-1] if len(rest) > 2 and type(rest[-1]) is not lalr.Token else None
        return ForExpr(names, collection, value, s, e, key, condition, grouped)

    # ---- strings
    def interpolation(self, ch, s, e):
        return _Sequence("interp", ch[1], ch[0], ch[2])

    def if_directive(self, ch, s, e):
        items = [_Sequence("if", ch[1], ch[0], ch[2])]
        index = 3
        while index < len(ch):
            child = ch[index]
            if type(child) is lalr.Token and child.type in ("CTRL_ELSE", "CTRL_ENDIF"):
                items.append(_Sequence(child.type[5:].lower(), None, child, ch[index + 1]))
                index += 2
                continue
            items.append(child)
            index += 1
        return _Directive(items)

    def for_directive(self, ch, s, e):
        index = 1
        names = []
        while ch[index].type == "NAME":
            names.append(ch[index].text)
            index += 1
        items = [_Sequence("for", ch[index + 1], ch[0], ch[index + 2], tuple(names))]
        items.extend(ch[index + 3:-2])
        items.append(_Sequence("endfor", None, ch[-2], ch[-1]))
        return _Directive(items)

    def template(self, ch, s, e):
        opener = ch[0]
        quoted = opener.type == "OQUOTE"
        body_start = opener.end if quoted else self.text.find("\n", opener.end) + 1
        style: TextStyle
        if quoted:
            style = "escaped"
        else:
            style = "indented" if opener.text.startswith("<<-") else "verbatim"
        items = _flatten(ch[1:-1], [])
        parts, indent = _trim(items, quoted, style == "indented", self.text)
        if not any(type(p) is _Sequence for p in parts):
            # no interpolation: one Text
            run = [p for p in parts if p.value] or [_Lit("", body_start, body_start, quoted)]
            value = "".join(p.value for p in run)
            return Text(value, s, e, run[0].raw_start, style, indent, run[-1].raw_end)
        return _template(parts, style, indent, s, e, body_start)

    heredoc = template


def _literal_key(node) -> str | None:
    """The text of a literal index key (`[0]`, `["k"]`), else None."""
    if type(node) is Text:
        return node.value
    if type(node) is Literal_ and type(node.value) is int:
        return str(node.value)
    return None


def _trim(items: list, quoted: bool, flush: bool, text: str) -> tuple[list, int]:
    """HCL's whitespace rules over a template's flat parts: `~` strips, then `<<-`
    indentation (hclsyntax parseTemplateParts, flushHeredocTemplateParts). Returns the parts
    (literal pieces as _Lit, sequences as _Sequence) and the indentation removed."""
    parts: list = []
    strip_next = False
    after_literal = False
    for item in items:
        strip = strip_next
        strip_next = False
        if type(item) is lalr.Token:
            value = _decode(item.text, item.start, quoted)
            piece = _Lit(value, item.start, item.end, quoted)
            if strip:
                stripped = value.lstrip(SPACES)
                if len(stripped) != len(value):
                    piece.raw_start = _offset_of(text, piece, len(value) - len(stripped))
                    piece.value = stripped
            parts.append(piece)
            after_literal = True
            continue
        if item.strip_before and after_literal:
            piece = parts[-1]
            stripped = piece.value.rstrip(SPACES)
            if len(stripped) != len(piece.value):
                piece.raw_end = _offset_of(text, piece, len(stripped))
                piece.value = stripped
        strip_next = item.strip_after
        after_literal = False
        parts.append(item)
    if not flush:
        return parts, 0
    smallest = _INFINITE
    newline = True
    adjust = []
    for part in parts:
        if newline:
            newline = False
            if type(part) is _Lit:
                value = part.value
                trimmed = value.lstrip(SPACES)
                if not trimmed and value.endswith("\n"):
                    spaces = _INFINITE
                else:
                    spaces = len(value) - len(trimmed)
                    adjust.append(part)
            else:
                spaces = 0
            smallest = min(smallest, spaces)
        if type(part) is _Lit and part.value.endswith("\n"):
            newline = True
    if smallest == _INFINITE:
        return parts, 0
    for part in adjust:
        part.value = part.value[smallest:]
        part.raw_start += smallest
    return parts, smallest


def _offset_of(text: str, piece: _Lit, index: int) -> int:
    """The file offset of character `index` of a piece's value (its length: raw_end)."""
    if index >= len(piece.value):
        return piece.raw_end
    offsets = _raw_offsets(text, piece.raw_start, piece.raw_end, piece.quoted)
    return offsets[index]


def _text(run: list, style: TextStyle, indent: int) -> Text:
    value = "".join(p.value for p in run)
    first = next((p for p in run if p.value), run[0])
    last = next((p for p in reversed(run) if p.value), run[-1])
    return Text(value, first.raw_start, last.raw_end, first.raw_start, style, indent, last.raw_end)


def _template(parts: list, style: TextStyle, indent: int, start: int, end: int, body_start: int) -> Template:
    """Literal runs become Text parts (empty ones dropped), `${}` their expression, and
    directives one Call("%directive", (Cond | ForExpr,)) each."""
    # frames: [parts so far, opening marker, parts before an else (if any)]
    frames: list[list] = [[[], None, None]]
    run: list = []

    def flush_run() -> None:
        if run:
            if any(p.value for p in run):
                frames[-1][0].append(_text(run, style, indent))
            run.clear()

    for part in parts:
        if type(part) is _Lit:
            run.append(part)
            continue
        flush_run()
        kind = part.kind
        if kind == "interp":
            frames[-1][0].append(part.node)
        elif kind == "if" or kind == "for":
            frames.append([[], part, None])
        elif kind == "else":
            frame = frames[-1]
            frame[2] = (frame[0], frame[1].inner, part.start)
            frame[0] = []
            frame[1].inner = part.end
        else:
            frame = frames.pop()
            opener = frame[1]
            body = Template(tuple(frame[0]), opener.inner, part.start)
            construct: Cond | ForExpr
            if kind == "endif":
                if frame[2] is not None:
                    then_parts, then_start, then_end = frame[2]
                    construct = Cond(opener.node, Template(tuple(then_parts), then_start, then_end), body,
                                     opener.start, part.end)
                else:
                    construct = Cond(opener.node, body, None, opener.start, part.end)
            else:
                construct = ForExpr(opener.names, opener.node, body, opener.start, part.end)
            frames[-1][0].append(Call("%directive", (construct,), opener.start, part.end, opener.start))
    flush_run()
    return Template(tuple(frames[0][0]), start, end)


# ---- parsing and errors -------------------------------------------------------------------------


def _keyword(word: str):
    def refine(kind: str, row: dict, text: str, end: int) -> str:
        return kind if text[end - len(word):end] == word else "NAME"   # HCL's keywords are lower case
    return refine


LANGUAGE = lalr.Language(_tables, None, {}, refine={w: _keyword(w) for w in _tables.KEYWORDS},
                         tokenizer=_tokens)
_CALLBACK_NAMES = tuple(name for _lhs, _size, name, _keep, _mode, _splice in _tables.RULES)


def parse_hcl(text: str, file: str) -> Body:
    """Parse a Terraform file's text (see the module doc); any syntax error is an InputError
    naming `file`, the line and column, in one line."""
    builder = _Builder(text)
    callbacks = [getattr(builder, name, None) for name in _CALLBACK_NAMES]
    try:
        return lalr.parse(text, LANGUAGE, callbacks)
    except _Problem as problem:
        message, offset = problem.message, problem.offset
    except lalr.ParseFailure as failure:
        message, offset = _parse_error(failure, text)
    except RecursionError:
        message, offset = "the file nests too deeply to read", 0
    line, column = lalr.LineMap(text).position(offset)
    raise InputError(message, file, line, column)


_WORDS = {
    "_NL": "a line break", "NAME": "a name", "NUMBER": "a number", "OQUOTE": "a string",
    "CQUOTE": "'\"'", "OHEREDOC": "a heredoc", "CHEREDOC": "the heredoc's closing marker",
    "STRING_LIT": "text", "TEMPLATE_INTERP": "'${'", "TEMPLATE_SEQ_END": "'}'",
    "CTRL_IF": "'%{ if'", "CTRL_ELSE": "'%{ else }'", "CTRL_ENDIF": "'%{ endif }'", "CTRL_FOR": "'%{ for'",
    "CTRL_ENDFOR": "'%{ endfor }'", "_LBRACE": "'{'", "_RBRACE": "'}'", "_LSQB": "'['", "_RSQB": "']'",
    "_LPAR": "'('", "_RPAR": "')'", "_COMMA": "','", "_DOT": "'.'", "_EQUAL": "'='", "_COLON": "':'",
    "_QMARK": "'?'", "_FAT_ARROW": "'=>'", "_DOUBLE_COLON": "'::'", "ELLIPSIS": "'...'", "STAR": "'*'",
    "SLASH": "'/'", "PERCENT": "'%'", "PLUS": "'+'", "MINUS": "'-'", "BANG": "'!'", "EQ_EQ": "'=='",
    "NOT_EQ": "'!='", "LT": "'<'", "GT": "'>'", "LE": "'<='", "GE": "'>='", "AND_AND": "'&&'",
    "OR_OR": "'||'", "FOR": "'for'", "IN": "'in'", "IF": "'if'", "$END": "the end of the file",
}
_EXPRESSION_STARTS = frozenset({"NAME", "NUMBER", "OQUOTE", "OHEREDOC", "_LPAR", "_LSQB", "_LBRACE", "BANG",
                                "MINUS"})
_OPERATORS_SET = frozenset({"STAR", "SLASH", "PERCENT", "PLUS", "MINUS", "EQ_EQ", "NOT_EQ", "LT", "GT", "LE",
                            "GE", "AND_AND", "OR_OR", "_QMARK", "_DOT", "_LSQB"})
_OPENERS = {"_LBRACE": "_RBRACE", "_LSQB": "_RSQB", "_LPAR": "_RPAR", "TEMPLATE_INTERP": "TEMPLATE_SEQ_END",
            "CTRL_IF": "CTRL_ENDIF", "CTRL_FOR": "CTRL_ENDFOR", "OQUOTE": "CQUOTE", "OHEREDOC": "CHEREDOC"}
_CLOSER_WORDS = {"_RBRACE": "'}'", "_RSQB": "']'", "_RPAR": "')'", "TEMPLATE_SEQ_END": "'}'",
                 "CTRL_ENDIF": "'%{ endif }'", "CTRL_ENDFOR": "'%{ endfor }'", "CQUOTE": "'\"'",
                 "CHEREDOC": "its closing marker"}
_OPENER_WORDS = {"_LBRACE": "'{'", "_LSQB": "'['", "_LPAR": "'('", "TEMPLATE_INTERP": "'${'",
                 "CTRL_IF": "'%{ if }'", "CTRL_FOR": "'%{ for }'", "OQUOTE": "string", "OHEREDOC": "heredoc"}


def _describe(token: lalr.Token) -> str:
    kind = token.type
    if kind == "$END":
        return "the end of the file"
    if kind == "_NL":
        return "the end of the line"
    if kind == "OQUOTE":
        return "a string"
    if kind == "OHEREDOC":
        return f"a heredoc {token.text}"
    if kind == "CQUOTE":
        return "the end of the string"
    if kind == "CHEREDOC":
        return "the end of the heredoc"
    if kind.startswith("CTRL_"):
        return _WORDS[kind]
    word = token.text if len(token.text) <= 40 else token.text[:37] + "..."
    return f"'{word}'"


def _expected_words(expected: frozenset[str]) -> list[str]:
    terminals = set(expected)
    words = []
    if len(terminals & _EXPRESSION_STARTS) >= 4:
        words.append("an expression")
        terminals -= _EXPRESSION_STARTS
    if len(terminals & _OPERATORS_SET) >= 4:
        words.append("an operator")
        terminals -= _OPERATORS_SET
    if len(terminals) > 1:
        terminals.discard("_DOUBLE_COLON")   # `provider::x::f(...)` is rare: not worth naming
    for terminal in sorted(terminals, key=lambda t: (t == "$END", t == "_NL", t)):
        word = _WORDS.get(terminal, "something else")
        if word not in words:
            words.append(word)
    return words


def _open_opener(values: list) -> lalr.Token | None:
    """The innermost bracket, sequence or directive still open (closed ones sit inside nodes)."""
    for value in reversed(values):
        if type(value) is lalr.Token and value.type in _OPENERS:
            return value
    return None


_NONTERMINALS = frozenset(lhs for lhs, *_rest in _tables.RULES)


def _viable(states: list[int]) -> frozenset[str]:
    """The terminals the parser could shift with this state stack (lalr.viable_terminals,
    for a grammar whose terminals may start with "_")."""
    actions = _tables.ACTIONS
    rules = _tables.RULES
    end_state = _tables.END_STATES["start"]
    result = set()
    for terminal in actions[states[-1]]:
        if terminal in _NONTERMINALS:
            continue
        stack = list(states)
        while True:
            action = actions[stack[-1]].get(terminal)
            if action is None:
                break
            if action >= 0:
                result.add(terminal)
                break
            lhs, size = rules[~action][:2]
            if size:
                del stack[-size:]
            stack.append(actions[stack[-1]][lhs])
            if terminal == "$END" and stack[-1] == end_state:
                result.add(terminal)
                break
    return frozenset(result)


def _parse_error(failure: lalr.ParseFailure, text: str) -> tuple[str, int]:
    token = failure.token
    kind = token.type
    expected = _viable(failure.states)
    values = failure.values
    lines = lalr.LineMap(text)
    found = _describe(token)
    at_end = kind == "$END"
    offset = failure.last_end if at_end else token.start
    previous = values[-1] if values else None
    previous_token = previous if type(previous) is lalr.Token else None

    def place(opener: lalr.Token) -> str:
        line, column = lines.position(opener.start)
        return f"line {line}, column {column}"

    opener = _open_opener(values)
    closer = _OPENERS.get(opener.type) if opener is not None else None
    head = _statement_head(values)

    # a statement's name and labels
    if head is not None and (expected & {"_EQUAL", "_LBRACE"}):
        name, labels = head
        if not labels and "_EQUAL" in expected:
            return f"expected '=' (an argument) or '{{' (a block) after '{name}', found {found}", offset
        return f"expected '{{' or another label after the labels of the block '{name}', found {found}", offset
    # a closing directive with nothing open
    if kind in ("CTRL_ELSE", "CTRL_ENDIF", "CTRL_ENDFOR") and (opener is None or opener.type not in
                                                                ("CTRL_IF", "CTRL_FOR")):
        what = "'%{ for }'" if kind == "CTRL_ENDFOR" else "'%{ if }'"
        return f"unexpected {_WORDS[kind]}: no {what} is open here", offset
    # an unclosed bracket, sequence or directive
    if at_end and opener is not None and closer is not None:
        return ((f"unclosed {_OPENER_WORDS[opener.type]}: no {_CLOSER_WORDS[closer]} closes it before the end "
                "of the file"), opener.start)
    # an expression missing
    if len(expected & _EXPRESSION_STARTS) >= 4 and previous_token is not None and \
            previous_token.type in _WORDS and previous_token.type != "_NL":
        after = previous_token.text if previous_token.type not in ("TEMPLATE_INTERP", "CTRL_IF") \
            else _WORDS[previous_token.type]
        message = f"expected an expression after '{after}', found {found}".replace("''", "'")
        if kind == "_NL":
            if previous_token.type in ("_EQUAL", "_COLON", "_FAT_ARROW"):
                message += f": a value starts on the line of its '{previous_token.text}'"
            else:
                message += ": a line break ends the value here (inside ( ) an expression may go on over lines)"
        return message, offset
    # a statement not ended by a line break
    if type(previous) is Attribute or _current_attribute(values) is not None:
        name = previous.name if type(previous) is Attribute else _current_attribute(values) or ""
        if kind == "_RBRACE" and opener is not None and opener.type == "_LBRACE" and "_RBRACE" not in expected:
            return (("expected a line break before '}': a block written over several lines ends with '}' on a "
                    f"line of its own, found {found}"), offset)
        if "_NL" in expected:
            return f"expected a line break after the value of '{name}' (one argument per line), found {found}", offset
    if type(previous) is Block and "_NL" in expected:
        return f"expected a line break after the block '{previous.type}', found {found}", offset
    if opener is not None and opener.type == "_LBRACE" and _in_one_line_block(values, opener) \
            and "_RBRACE" in expected and kind != "_RBRACE":
        return (("expected '}' to end the single-line block: a block on one line holds one argument at most "
                f"(write each argument on its own line), found {found}"), offset)
    # an item list not continued nor closed
    if opener is not None and closer is not None and closer in expected:
        close = _CLOSER_WORDS[closer]
        separator = "',' or a line break" if "_NL" in expected else "','" if "_COMMA" in expected else ""
        if separator and closer in ("_RBRACE", "_RSQB", "_RPAR"):
            return ((f"expected {separator} before the next item, or {close} to close the "
                    f"{_OPENER_WORDS[opener.type]} at {place(opener)}, found {found}"), offset)
        if opener.type in ("CTRL_IF", "CTRL_FOR"):
            return f"the {_OPENER_WORDS[opener.type]} at {place(opener)} has no {close}, found {found}", offset
        return f"expected {close} to close the {_OPENER_WORDS[opener.type]} at {place(opener)}, found {found}", \
            offset
    if kind in ("_RBRACE", "_RSQB", "_RPAR", "TEMPLATE_SEQ_END") and opener is None:
        return f"unexpected {found}: nothing is open here for it to close", offset
    if "NAME" in expected and not expected - {"NAME", "$END", "_RBRACE", "_NL"}:
        return f"expected an argument name or a block type, found {found}", offset
    words = _expected_words(expected)
    after = ""
    if previous_token is not None and previous_token.type in _WORDS and previous_token.type not in (
            "_NL", "NAME", "NUMBER", "STRING_LIT"):
        after = f" after {_describe(previous_token)}"
    if len(words) > 6:
        return f"unexpected {found}{after}; expected one of {', '.join(words[:6])}, ...", offset
    return f"expected {lalr.either(words)}{after}, found {found}", offset


def _statement_head(values: list) -> tuple[str, list] | None:
    """(block type, labels) when the parser stands right after a statement's name and
    labels; else None."""
    index = len(values) - 1
    labels: list = []
    while index >= 0:
        value = values[index]
        if type(value) is list:
            if not all(type(v) in (lalr.Token, Text, Template) for v in value):
                return None   # the statements before this one
            labels.extend(value)
            index -= 1
            continue
        if type(value) is lalr.Token and value.type == "NAME":
            before = values[index - 1] if index > 0 else None
            if before is None or (type(before) is lalr.Token and before.type in ("_NL", "_LBRACE")) or \
                    (type(before) is list and before and type(before[-1]) in (Attribute, Block)):
                return value.text, labels
            if (type(before) is lalr.Token and before.type == "NAME") or type(before) in (Text, Template, list):
                labels.append(value)
                index -= 1
                continue
            return None
        if type(value) in (Text, Template):
            labels.append(value)
            index -= 1
            continue
        return None
    return None


def _current_attribute(values: list) -> str | None:
    """The name of the attribute whose value the parser has just read, if so."""
    if len(values) >= 3 and type(values[-2]) is lalr.Token and values[-2].type == "_EQUAL" \
            and type(values[-3]) is lalr.Token and values[-3].type == "NAME":
        return values[-3].text
    return None


def _in_one_line_block(values: list, opener: lalr.Token) -> bool:
    """Whether `opener` is a block's '{' with no line break after it."""
    index = next(i for i in range(len(values) - 1, -1, -1) if values[i] is opener)
    after = values[index + 1] if index + 1 < len(values) else None
    if type(after) is lalr.Token and after.type == "_NL":
        return False
    return _statement_head(values[:index]) is not None
