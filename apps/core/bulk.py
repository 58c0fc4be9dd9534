"""Inserting many new model instances at once, for the imports.

`bulk_insert` does what `QuerySet.bulk_create` does for instances holding plain values
(no expressions, no many-to-many): auto timestamps through the fields' own `pre_save`,
values through their `get_db_prep_save`, primary keys read back with `RETURNING` and set
on the instances. What it leaves out is the ORM's per-value compilation (an expression
check, a placeholder and a `pre_save` lookup for every value of every row): for the
50,000 projects and plans of a large plan sheet that was most of the write's time.
Backends that cannot return rows from a multi-row insert get `bulk_create` itself.

`new_instance` builds the instances to insert by position, and `collector_paused` keeps
Python's cyclic garbage collector out of such work.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, models, router
from django.db.models.fields import Field

# Rows per statement where the backend sets no limit of its own (PostgreSQL binds at most
# 65,535 parameters a statement).
DEFAULT_BATCH_SIZE = 1000


def new_instance(model: type[models.Model], values: dict) -> models.Model:
    """`model(**values)` for values by attname (`region_id`, not `region`), built by
    position: the path Django takes for the rows it loads, without matching every keyword
    against every field (a third of building a 50,000-row sheet's projects). The other
    fields take their defaults, as with keywords."""
    layout = _LAYOUTS.get(model)
    if layout is None:
        fields = model._meta.concrete_fields
        layout = _LAYOUTS[model] = (
            {field.attname: index for index, field in enumerate(fields)},
            [None if field.primary_key else field.get_default() for field in fields],
            [
                (index, field.get_default)
                for index, field in enumerate(fields)
                if field.has_default() and callable(field.default)
            ],
        )
    positions, constant, per_instance = layout
    args = constant.copy()
    for index, default in per_instance:
        args[index] = default()
    for attname, value in values.items():
        try:
            args[positions[attname]] = value
        except KeyError:
            raise TypeError(f"{model.__name__} has no field with the attname {attname!r}") from None
    return model(*args)


_LAYOUTS: dict[type, tuple[dict, list, list]] = {}

# Fields (by exact class) whose get_db_prep_save returns None and values of these types
# as they are, on every backend: those values skip it (a million calls in a 50,000-row
# plan import). Anything else, subclasses included, goes through the field.
_PLAIN_TYPES = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.BooleanField: (bool,),
    **dict.fromkeys(
        (
            models.IntegerField,
            models.BigIntegerField,
            models.SmallIntegerField,
            models.PositiveIntegerField,
            models.PositiveSmallIntegerField,
            models.PositiveBigIntegerField,
            models.AutoField,
            models.BigAutoField,
        ),
        (int,),
    ),
}


def _readers(fields) -> list[tuple]:
    """(attname, pre_save or None, get_db_prep_save, types passed as they are) per field.
    A field's pre_save matters only where the field overrides it (auto_now, file fields);
    for the rest it is a plain attribute read."""
    readers = []
    for field in fields:
        pre_save = field.pre_save if type(field).pre_save is not Field.pre_save else None
        target = field.target_field if type(field) is models.ForeignKey else field
        plain = _PLAIN_TYPES.get(type(target), ())
        readers.append((field.attname, pre_save, field.get_db_prep_save, plain))
    return readers


def bulk_insert(model: type[models.Model], instances: list, *, batch_size: int = DEFAULT_BATCH_SIZE) -> list:
    """Insert `instances` (new, unsaved) and set their primary keys; returns them."""
    if not instances:
        return instances
    database = router.db_for_write(model)
    connection = connections[database]
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not (field.primary_key and field.db_returning)]
    if not connection.features.can_return_rows_from_bulk_insert or any(
        hasattr(field, "get_placeholder") or field.generated for field in fields
    ):
        return model._base_manager.using(database).bulk_create(instances, batch_size=batch_size)

    readers = _readers(fields)
    # A parent saved after its child was built: take its key, as bulk_create does.
    relations = [field for field in fields if field.is_relation]
    per_statement = max(1, min(batch_size, connection.ops.bulk_batch_size(fields, instances)))
    table = connection.ops.quote_name(opts.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    returning, returning_params = connection.ops.return_insert_columns([opts.pk])
    row_sql = "({})".format(", ".join(["%s"] * len(fields)))
    statements: dict[int, str] = {}

    with connection.cursor() as cursor:
        for start in range(0, len(instances), per_statement):
            chunk = instances[start : start + per_statement]
            params = []
            for instance in chunk:
                values = instance.__dict__
                for field in relations:
                    if values.get(field.attname) is None and field.is_cached(instance):
                        parent = field.get_cached_value(instance)
                        if parent is not None:
                            if parent.pk is None:
                                raise ValueError(f"{model.__name__}.{field.name}: the related object is not saved yet")
                            # Through the relation, as bulk_create does: the cached parent is kept.
                            setattr(instance, field.name, parent)
                for attname, pre_save, prep, plain in readers:
                    value = pre_save(instance, True) if pre_save else values[attname]
                    params.append(value if value is None or type(value) in plain else prep(value, connection))
            sql = statements.get(len(chunk))
            if sql is None:
                # Table and columns from the model's metadata, quoted; every value is a bound parameter.
                sql = statements[len(chunk)] = (
                    f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))} {returning}"  # noqa: S608
                )
            cursor.execute(sql, [*params, *returning_params])
            keys = connection.ops.fetch_returned_insert_rows(cursor)
            for instance, (pk,) in zip(chunk, keys, strict=True):
                instance.pk = pk
                instance._state.adding = False
                instance._state.db = database
    return instances


def bulk_copy(model: type[models.Model], instances: list) -> list:
    """`bulk_insert` through PostgreSQL's COPY, for very large loads (the national demo's
    million projects): the keys are drawn from the table's sequence in one statement and set
    on the instances first, then every row streams in one COPY. Elsewhere `bulk_insert`."""
    if not instances:
        return instances
    database = router.db_for_write(model)
    connection = connections[database]
    opts = model._meta
    fields = opts.concrete_fields
    if connection.vendor != "postgresql" or any(
        hasattr(field, "get_placeholder") or field.generated for field in fields
    ):
        return bulk_insert(model, instances)
    quote = connection.ops.quote_name
    readers = _readers(fields)
    with connection.cursor() as cursor:
        if opts.pk.db_returning or isinstance(opts.pk, models.AutoField | models.BigAutoField):
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, opts.pk.column, len(instances)],
            )
            for instance, (pk,) in zip(instances, cursor.fetchall(), strict=True):
                instance.pk = pk
        columns = ", ".join(quote(field.column) for field in fields)
        # Table and columns from the model's metadata, quoted; the rows go through COPY's own protocol.
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for instance in instances:
                values = instance.__dict__
                row = []
                for attname, pre_save, prep, plain in readers:
                    value = pre_save(instance, True) if pre_save else values[attname]
                    row.append(value if value is None or type(value) in plain else prep(value, connection))
                copy.write_row(row)
    for instance in instances:
        instance._state.adding = False
        instance._state.db = database
    return instances


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run bulk work without the cyclic garbage collector.

    An import builds hundreds of thousands of objects that live until it ends (rows, model
    instances, snapshots); each time enough of them pile up the collector walks every one
    of them again, a sixth of a 50,000-row import's time. Reference counting still frees
    what the work lets go. The collector is process-wide: the block that turned it off
    turns it back on, so overlapping imports leave it on once the first of them ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
