"""Querysets compiled once and run many times: for the few queries every workflow step runs.

Building and compiling a queryset costs Django far more Python than running it: the step's lock (a task with
its case, unit and process, FOR UPDATE) takes ~0.7 ms to build and compile and ~0.1 ms of Python to run. A
CompiledQuery builds its queryset once per database with marker values standing for the arguments, finds
the markers among the compiled parameters, and afterwards only substitutes the real values and turns the
rows into what the queryset would have returned: instances with their select_related objects, as Django's
ModelIterable builds them (what a subclass of it adds is not applied), or the tuples of values_list().

Only arguments that reach the SQL as they are qualify (`filter(pk=x)`, `filter(day__lte=x)`); a lookup
that rewrites its value (`__startswith`, `__in`) is refused when the query is first compiled.
"""

import datetime
import threading
from collections.abc import Callable, Sequence

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators


class CompiledQuery:
    """`build(*args)` -> QuerySet, compiled once per database; `all(*args)` and `first(*args)` run it.

    `kinds` gives each argument's type (int, str or datetime.date), for its marker.
    """

    def __init__(self, build: Callable[..., QuerySet], kinds: Sequence[type]):
        self.build = build
        self.kinds = tuple(kinds)
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def all(self, *args, using: str = "default") -> list:
        compiled = self._compiled.get(using) or self._compile(using)
        return compiled.run(args, using)

    def first(self, *args, using: str = "default"):
        rows = self.all(*args, using=using)
        return rows[0] if rows else None

    def _compile(self, using: str) -> "_Compiled":
        with self._lock:
            if using not in self._compiled:
                markers = [_marker(kind, i) for i, kind in enumerate(self.kinds)]
                queryset = self.build(*markers)
                iterable = queryset._iterable_class
                if not (iterable is ValuesListIterable or issubclass(iterable, ModelIterable)):
                    raise TypeError(
                        "CompiledQuery runs model and values_list() querysets (not flat, not named)"
                    )
                compiler = queryset.query.get_compiler(using=using)
                sql, params = compiler.as_sql()
                # the markers as the backend sends them (SQLite sends dates as text)
                adapt = [_adapter(kind, compiler.connection) for kind in self.kinds]
                sent = [(a(m), type(a(m))) for a, m in zip(adapt, markers, strict=True)]
                slots = [[i for i, p in enumerate(params) if (p, type(p)) == marker] for marker in sent]
                if not all(slots) or sum(map(len, slots)) != sum((p, type(p)) in sent for p in params):
                    raise ValueError(f"CompiledQuery: an argument does not reach the SQL as given in {sql}")
                self._compiled[using] = _Compiled(queryset, compiler, sql, list(params), slots, adapt)
        return self._compiled[using]


class _Compiled:
    def __init__(self, queryset: QuerySet, compiler, sql: str, params: list, slots: list[list[int]], adapt):
        self.sql, self.params, self.slots, self.adapt = sql, params, slots, adapt
        self.compiler = compiler
        self.values = queryset._iterable_class is ValuesListIterable
        fields = [s[0] for s in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        if not self.values:
            klass_info, select = compiler.klass_info, compiler.select
            self.model = klass_info["model"]
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            self.span = slice(start, end)
            self.init_list = [f[0].target.attname for f in select[start:end]]
            self.populators = get_related_populators(klass_info, select, compiler.using)

    def run(self, args: tuple, using: str) -> list:
        params = list(self.params)
        for arg, slots, adapt in zip(args, self.slots, self.adapt, strict=True):
            value = adapt(arg)
            for i in slots:
                params[i] = value
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.compiler.has_extra_select:  # ordering columns the SELECT needed, as Django drops them
            rows = [row[: self.compiler.col_count] for row in rows]
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        if self.values:
            return [tuple(row) for row in rows]
        # as Django's ModelIterable, without known related objects and annotations (none are compiled here)
        objects = []
        for row in rows:
            obj = self.model.from_db(using, self.init_list, row[self.span])
            for populator in self.populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects


def _adapter(kind: type, connection):
    if kind is datetime.date:
        return connection.ops.adapt_datefield_value
    return lambda value: value


def _marker(kind: type, i: int):
    """A value no real argument takes, of the argument's type."""
    if kind is int:
        return -(2**62) - i
    if kind is str:
        return f"\x1fcompiled-query-marker-{i}\x1f"
    if kind is datetime.date:
        return datetime.date(1, 1, 1 + i)
    raise TypeError(f"CompiledQuery: no marker for {kind!r}")
