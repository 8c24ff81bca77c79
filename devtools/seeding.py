"""Set-based inserts for large seeds and benchmarks that survive schema changes.

`insert_select(Model, {"field": "SQL expression", ...}, "FROM generate_series(1, %(n)s) g", {"n": 1000})`
writes `INSERT INTO <table> (<columns>) SELECT <expressions> FROM ...`. Every concrete
column the caller does not name is filled from the model: its default (as a parameter),
`now()` for auto_now/auto_now_add, NULL when nullable, '' for blank text. So a field added
to a model later (with a default, or blank, or null, as Django's own migrations need)
does not break a benchmark or a seed; a new required field without a default fails with
a message that names it.
"""

from django.db import connection

NOW = "now()"


def _default_sql(field, params: dict) -> str:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return NOW
    if field.has_default():
        key = f"_default_{field.column}"
        params[key] = field.get_db_prep_save(field.get_default(), connection)
        return f"%({key})s"
    if field.null:
        return "NULL"
    if field.blank and field.empty_strings_allowed:
        return "''"
    raise ValueError(f"{field.model.__name__}.{field.name} is required: give it an expression")


def insert_select(model, values: dict[str, str], from_sql: str = "", params: dict | None = None) -> int:
    """Insert one row per row of `from_sql`; returns the number of rows inserted.

    `values` maps field names (or column names) to SQL expressions; `params` are named
    (`%(name)s`), so a literal % in the SQL must be written %%.
    """
    params = dict(params or {})
    given = dict(values)
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.name not in given and field.column not in given:
            continue
        expr = given.pop(field.name, None) or given.pop(field.column, None)
        if expr is None:
            expr = _default_sql(field, params)
        columns.append(connection.ops.quote_name(field.column))
        expressions.append(expr)
    if given:
        raise ValueError(f"{model.__name__} has no field(s) {sorted(given)}")
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} {from_sql}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
