"""Rows claimed once, numbers taken once: INSERT .. ON CONFLICT statements, fused on PostgreSQL with the read
or the write that follows them (data-modifying WITH), two statements elsewhere.

- claim(): a sweep claims the due steps it will announce (a unique row per step and kind: each effect
  happens once however many sweeps overlap) and reads what it announces of them.
- next_number_into(): a signing takes its decision number from a per-key counter row (locked until the
  signing commits, so numbers have no gaps and no repeats) and writes it with the signature.
"""

from collections.abc import Callable, Mapping, Sequence

from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL


def claim(
    model: type[Model],
    *,
    select: QuerySet,
    into: str,
    values: Mapping[str, object],
    unique: Sequence[str],
    then: Callable[[object], QuerySet],
) -> list[tuple]:
    """Insert one `model` row per value `select` yields (a one-column values_list), that value in the field
    `into` and the constant `values` in the others, skipping a row whose `unique` fields are taken; then
    return the rows of `then(claimed)` (a values_list), `claimed` standing for the values inserted: a list,
    or on PostgreSQL a subquery of the same statement."""
    opts, quote = model._meta, connection.ops.quote_name
    names = [into, *values]
    columns = ", ".join(quote(opts.get_field(name).column) for name in names)
    constants = [opts.get_field(name).get_db_prep_save(value, connection) for name, value in values.items()]
    select_sql, select_params = select.query.sql_with_params()
    returned = quote(opts.get_field(into).column)
    insert = (
        # WHERE true: SQLite's parser needs it before ON CONFLICT in an INSERT .. SELECT
        f"INSERT INTO {quote(opts.db_table)} ({columns})"  # noqa: S608 (quoted names)
        f" SELECT chosen.*{', %s' * len(constants)} FROM ({select_sql}) AS chosen WHERE true"
        f" ON CONFLICT ({', '.join(quote(opts.get_field(n).column) for n in unique)}) DO NOTHING"
        f" RETURNING {returned}"
    )
    params = [*constants, *select_params]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            claimed = RawSQL(f"SELECT {returned} FROM claimed", [])  # noqa: S608, S611 (a quoted name)
            read_sql, read_params = then(claimed).query.sql_with_params()
            cursor.execute(f"WITH claimed AS ({insert}) {read_sql}", [*params, *read_params])
            return cursor.fetchall()
        cursor.execute(insert, params)
        claimed = [row[0] for row in cursor.fetchall()]
    return list(then(claimed)) if claimed else []


def next_number_into(
    counter: type[Model],
    key: Mapping[str, object],
    *,
    value: str,
    target: Model,
    number: str,
    fields: Sequence[str],
) -> int:
    """Take the next number of `counter`'s row for `key` (inserted at 1, or its `value` incremented; the row
    stays locked until the caller's transaction ends) and write it into `target`'s field `number`, with
    `target`'s current `fields`, by primary key. One statement on PostgreSQL, two elsewhere. Returns it."""
    quote = connection.ops.quote_name
    table = quote(counter._meta.db_table)
    key_columns = [quote(counter._meta.get_field(name).column) for name in key]
    value_column = quote(counter._meta.get_field(value).column)
    take = (
        f"INSERT INTO {table} ({', '.join([*key_columns, value_column])})"  # noqa: S608 (quoted names)
        f" VALUES ({', '.join(['%s'] * (len(key_columns) + 1))})"
        f" ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {value_column} = {table}.{value_column} + 1"
        f" RETURNING {value_column}"
    )
    take_params = [*key.values(), 1]
    opts = type(target)._meta
    written = [opts.get_field(name) for name in fields]
    sets = ", ".join(f"{quote(f.column)} = %s" for f in written)
    values = [f.get_db_prep_save(getattr(target, f.attname), connection) for f in written]
    target_table, number_column = quote(opts.db_table), quote(opts.get_field(number).column)
    pk_column = quote(opts.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            taken_number = f"(SELECT {value_column} FROM n)"  # noqa: S608 (a quoted name)
            cursor.execute(
                f"WITH n AS ({take}) UPDATE {target_table} SET {number_column} = {taken_number},"  # noqa: S608
                f" {sets} WHERE {pk_column} = %s RETURNING {number_column}",
                [*take_params, *values, target.pk],
            )
            taken = cursor.fetchone()[0]
        else:  # SQLite has no data-modifying WITH
            cursor.execute(take, take_params)
            taken = cursor.fetchone()[0]
            cursor.execute(
                f"UPDATE {target_table} SET {number_column} = %s, {sets} WHERE {pk_column} = %s",  # noqa: S608
                [taken, *values, target.pk],
            )
    setattr(target, opts.get_field(number).attname, taken)
    return taken
