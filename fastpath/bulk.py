"""Inserting many rows fast: one COPY on PostgreSQL, bulk_create elsewhere.

For the append-heavy tables written by the thousand in one transaction (audit events, notifications): Django's
bulk_create spends about 0.2 ms of Python per row compiling and quoting the values, COPY a few microseconds.
The rows are tuples of values as their columns take them (a JSON column takes a dict). The COPY runs through
Django's execute wrappers (and the debug cursor), so query counters see it as one statement.
"""

import hashlib
from collections.abc import Sequence
from contextlib import nullcontext

from django.db import connection
from django.db.models import JSONField, Model, sql
from psycopg.types.json import Jsonb


def insert_rows(model: type[Model], fields: Sequence[str], rows: list[tuple]) -> None:
    """Insert `rows` (values in `fields` order) into `model`'s table."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in rows])
        return
    table, columns, rows = _prepared(model, fields, rows)
    with connection.cursor() as cursor:
        _copy(cursor, f"COPY {table} ({columns}) FROM STDIN", rows)


def insert_new_rows(model: type[Model], fields: Sequence[str], rows: list[tuple], *, key: str) -> set:
    """Insert those of `rows` that violate no unique constraint; returns the `key` values of the rows
    inserted (`key` being one of `fields` and unique). On PostgreSQL: COPY into a temporary table, then one
    INSERT .. ON CONFLICT DO NOTHING RETURNING, so a concurrent insert of the same key is skipped, not an
    error."""
    if not rows:
        return set()
    at = list(fields).index(key)
    if connection.vendor != "postgresql":
        keys = {row[at] for row in rows}
        seen = set(model.objects.filter(**{f"{key}__in": keys}).values_list(key, flat=True))
        new = [row for row in rows if row[at] not in seen]
        model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in new], ignore_conflicts=True
        )
        return {row[at] for row in new}
    table, columns, rows = _prepared(model, fields, rows)
    key_column = connection.ops.quote_name(model._meta.get_field(key).column)
    with connection.cursor() as cursor:
        staging = _staged(cursor, table, columns, rows)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging}"  # noqa: S608 (names quoted)
            f" ON CONFLICT DO NOTHING RETURNING {key_column}"
        )
        return {row[0] for row in cursor.fetchall()}


def _prepared(model: type[Model], fields: Sequence[str], rows: list[tuple]) -> tuple[str, str, list[tuple]]:
    """(quoted table, quoted column list, rows with their JSON values wrapped for COPY)."""
    opts, quote = model._meta, connection.ops.quote_name
    columns = ", ".join(quote(opts.get_field(name).column) for name in fields)
    for i, name in enumerate(fields):
        if isinstance(opts.get_field(name), JSONField):
            rows = [(*row[:i], Jsonb(row[i]), *row[i + 1 :]) for row in rows]
    return quote(opts.db_table), columns, rows


def update_rows(model: type[Model], key: str, fields: Sequence[str], rows: list[tuple]) -> int:
    """Set `fields` of the rows whose `key` is each row's first value to the row's other values, in one
    UPDATE on PostgreSQL (from a COPY; a plain UPDATE for one row), one executemany elsewhere; returns how
    many rows were updated."""
    if not rows:
        return 0
    opts, quote = model._meta, connection.ops.quote_name
    table = quote(opts.db_table)
    key_column = quote(opts.get_field(key).column)
    targets = [quote(opts.get_field(name).column) for name in fields]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or len(rows) == 1:
            # one row (a one-case decision): a plain UPDATE, not four statements through a staging table
            assignments = ", ".join(f"{column} = %s" for column in targets)
            sql = f"UPDATE {table} SET {assignments} WHERE {key_column} = %s"  # noqa: S608 (names quoted)
            params = [(*row[1:], row[0]) for row in rows]
            if len(params) == 1:
                cursor.execute(sql, params[0])
            else:
                cursor.executemany(sql, params)
            return cursor.rowcount
        staging = _staged(cursor, table, ", ".join([key_column, *targets]), rows)
        assignments = ", ".join(f"{column} = s.{column}" for column in targets)
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM {staging} AS s"  # noqa: S608 (names quoted)
            f" WHERE t.{key_column} = s.{key_column}"
        )
        return cursor.rowcount


def _staged(cursor, table: str, columns: str, rows: list[tuple]) -> str:
    """A temporary table of `columns` (the types of `table`'s) holding just `rows`; returns its name."""
    # one staging table per table and column set: a transaction may stage different columns of one table
    digest = hashlib.sha1(columns.encode(), usedforsecurity=False).hexdigest()[:8]
    staging = connection.ops.quote_name(f"staging_{table.strip(chr(34))}_{digest}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "  # noqa: S608 (names quoted)
        f"SELECT {columns} FROM {table} WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {staging}")
    _copy(cursor, f"COPY {staging} ({columns}) FROM STDIN", rows)
    return staging


def _copy(cursor, sql: str, rows: list[tuple]) -> None:
    def run(sql, params, many, context):
        # as Django's own execute does: psycopg's errors become django.db's (IntegrityError, ...)
        with cursor.db.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for row in params:
                copy.write_row(row)

    # Through the execute wrappers (query counters) and, under a debug cursor, into connection.queries too.
    debug_sql = getattr(cursor, "debug_sql", None)
    with debug_sql(sql, rows, many=True) if debug_sql else nullcontext():
        cursor._execute_with_wrappers(sql, rows, True, run)


def compiled_insert(
    model: type[Model], objs: Model | list[Model], *, returning: bool = False
) -> tuple[str, tuple]:
    """The INSERT that `obj.save()` (or bulk_create() of a list) sends for `model`'s own table, pre_save hooks
    applied, as SQL and parameters, to be combined with other statements in one; with `returning`, RETURNING
    the primary keys.

    Django compiles the one-row statement of a model once; later one-row calls reuse its text and only
    prepare the values, as the compiler does for plain values. Several rows are compiled each time (on
    PostgreSQL Django sends them as arrays, one per column).
    """
    objs = objs if isinstance(objs, list) else [objs]
    fields = own_fields(model)
    key = (model, returning, connection.vendor)
    if len(objs) == 1 and key in _INSERTS:
        return _INSERTS[key], tuple(insert_values(fields, objs))
    query = sql.InsertQuery(model)
    query.insert_values(fields, objs)
    compiler = query.get_compiler(connection=connection)
    if returning:
        compiler.returning_fields = [model._meta.pk]
    [(statement, params)] = compiler.as_sql()
    if len(objs) == 1 and len(params) == len(fields):  # one plain value per column: reusable
        _INSERTS[key] = statement
    return statement, params


_INSERTS: dict[tuple, str] = {}


def own_fields(model: type[Model]) -> list:
    """The columns an INSERT into `model`'s own table writes: all but a generated primary key."""
    return [f for f in model._meta.local_concrete_fields if f is not model._meta.auto_field]


def insert_values(fields, objs: list[Model]) -> list:
    """The parameters of an INSERT of `objs` into `fields`: pre_save hooks (auto_now and the like) applied,
    each value prepared for the database as the INSERT compiler prepares a plain value."""
    return [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for obj in objs for f in fields]


def insert_with_rows(
    model: type[Model], obj: Model, rows: Sequence[tuple[Model, str]], *, before: tuple[str, tuple] = ("", ())
) -> int:
    """Insert `obj` into `model`'s table and, in the same statement, `rows` that reference it: each (row,
    field name) is inserted with that foreign key set to the new id, which is returned. PostgreSQL only
    (data-modifying WITH clauses). `before`: WITH clauses of the caller's ("name AS (…), ") and their
    parameters, run in the same statement.

    The statement text is compiled once per shape; each call prepares the values as compiled_insert() does.
    """
    parent_sql, params = compiled_insert(model, obj, returning=True)
    params = [*before[1], *params]
    shape = [(type(row), name) for row, name in rows]
    for (row_model, name), (row, _name) in zip(shape, rows, strict=True):
        link = row_model._meta.get_field(name)
        params += insert_values([f for f in own_fields(row_model) if f is not link], [row])
    key = (model, tuple(shape), before[0])
    statement = _WITH_ROWS.get(key)
    if statement is None:
        quote = connection.ops.quote_name
        clauses = [f"t AS ({parent_sql})"]
        for i, (row_model, name) in enumerate(shape):
            link = row_model._meta.get_field(name)
            fields = [f for f in own_fields(row_model) if f is not link]
            columns = ", ".join(quote(f.column) for f in [link, *fields])
            values = ", ".join(["(SELECT id FROM t)", *["%s"] * len(fields)])
            clauses.append(
                f"r{i} AS (INSERT INTO {quote(row_model._meta.db_table)} ({columns})"  # noqa: S608 (quoted)
                f" VALUES ({values}))"
            )
        statement = _WITH_ROWS[key] = f"WITH {before[0]}{', '.join(clauses)} SELECT id FROM t"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


_WITH_ROWS: dict[tuple, str] = {}


def save_with_rows(obj: Model, rows: Sequence[tuple[Model, str]]) -> None:
    """Save the new `obj` and insert `rows` that reference it (each (row, foreign key name)): the rows that
    obj.save() and a bulk_create() of each row write, on PostgreSQL in one statement (insert_with_rows)."""
    if connection.vendor == "postgresql":
        obj.pk = insert_with_rows(type(obj), obj, rows)
        obj._state.adding, obj._state.db = False, connection.alias
    else:
        obj.save(force_insert=True)
    for row, name in rows:
        setattr(row, row._meta.get_field(name).attname, obj.pk)
        if connection.vendor != "postgresql":
            type(row)._base_manager.bulk_create([row])


def bulk_create_children(objs: Sequence[Model], *, batch_size: int = 2000) -> None:
    """bulk_create() for a multi-table child model, which Django refuses: the parent rows by bulk_create (for
    their ids and their pre_save values, copied back), then the child rows with those ids as primary keys, one
    INSERT per batch, as save() would write them. Sets each object's primary key and marks it saved."""
    if not objs:
        return
    model = type(objs[0])
    link = model._meta.pk  # the child's one-to-one to its parent (subject_ptr, task_ptr)
    parent = link.remote_field.model
    parent_fields = [f for f in parent._meta.concrete_fields if not f.primary_key]
    parents = [parent(**{f.attname: getattr(obj, f.attname) for f in parent_fields}) for obj in objs]
    parent.objects.bulk_create(parents, batch_size=batch_size)
    for obj, row in zip(objs, parents, strict=True):
        for f in (parent._meta.pk, *parent_fields):
            setattr(obj, f.attname, getattr(row, f.attname))
        setattr(obj, link.attname, row.pk)
    fields = model._meta.local_concrete_fields
    size = min(batch_size, connection.ops.bulk_batch_size(fields, objs) or batch_size)
    for start in range(0, len(objs), size):
        model._base_manager._insert(objs[start : start + size], fields=fields)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
