"""`@record`: an immutable, typed record class for the plain data passed between stages.

    @record
    class Span(Record):
        '''1-based start and end of a piece of source.'''
        line: int
        column: int
        end_line: int = 0

The annotated fields, in order, become the fields of a named tuple (immutable, no
per-instance dict, cheap to create); defaults, methods, properties and the docstring
are kept. Records compare by value and type checkers see a normal class.

Why not frozen dataclasses or typing.NamedTuple, which say the same thing: defining a
class costs about 0.9 ms as a frozen dataclass and 0.19 ms as a typing.NamedTuple on
CPython 3.11 (typing alone adds 4 ms to import), against 0.08 ms here. schemacheck
defines some sixty record types and runs as a pre-commit hook whose whole cold start
must stay within a few interpreter starts (benchmarks/run.py measures it); with
dataclasses the syntax tree alone took longer to define than Python takes to start.

Type checkers: `record` is declared with `dataclass_transform` (frozen by default), so
they see each record's constructor and its immutability, and a record class names
`Record` as its base (`class Span(Record):`), which gives them the named-tuple methods
(`_replace`, `_fields`, `_asdict`). Neither costs anything at run time: typing is not
imported, `dataclass_transform` is a no-op there and `Record` is `object`.
"""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False   # typing costs a cold start 2 ms; type checkers read the block below
if TYPE_CHECKING:
    from typing import Any, ClassVar, TypeVar

    from typing_extensions import Self, dataclass_transform

    _T = TypeVar("_T")

    class Record(tuple[Any, ...]):
        """What type checkers know of every record besides its fields: a named tuple's
        methods, and that it is a tuple (`*where[1:]` passes a Where's line and column)."""

        _fields: ClassVar[tuple[str, ...]]
        _field_defaults: ClassVar[dict[str, Any]]

        def _replace(self, **changes: Any) -> Self: ...

        def _asdict(self) -> dict[str, Any]: ...

else:
    Record = object

    def dataclass_transform(**_):
        return lambda decorator: decorator

_NOT_COPIED = frozenset({"__dict__", "__weakref__", "__module__", "__qualname__"})
# Called under another name: type checkers take a direct namedtuple() call for a class
# definition, which needs its name and fields written out.
_named_tuple = namedtuple


@dataclass_transform(frozen_default=True)
def record(cls: type[_T]) -> type[_T]:
    """Turn a class with annotated fields into an immutable record (see the module doc)."""
    namespace = cls.__dict__
    fields = tuple(namespace.get("__annotations__", {}))
    defaults = [namespace[name] for name in fields if name in namespace]
    if defaults and any(name not in namespace for name in fields[len(fields) - len(defaults):]):
        raise TypeError(f"{cls.__name__}: fields with defaults must come last")
    result: Any = _named_tuple(cls.__name__, fields, defaults=defaults or None, module=cls.__module__)
    for name, value in namespace.items():
        if name not in _NOT_COPIED and name not in fields:
            setattr(result, name, value)
    result.__qualname__ = cls.__qualname__
    return result
