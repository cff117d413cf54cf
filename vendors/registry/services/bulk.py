"""PostgreSQL COPY for the import's large inserts.

Django's bulk_create on PostgreSQL adapts every value into arrays in Python, which
made a 20,000-row list take 10 s to write; COPY streams rows in psycopg's C code.
"""
from __future__ import annotations

import json
from typing import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone

CHUNK = 2000


def copy_instances(model: type[models.Model], instances: Iterable[models.Model | dict]) -> None:
    """Insert unsaved instances, or dicts keyed by attname (cheaper than model instances
    for tens of thousands of rows), with one COPY of every concrete column but the
    primary key. auto_now/auto_now_add fields are filled here, as save() would; nothing
    gets its primary key back (see `ids_by`)."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    table = connection.ops.quote_name(model._meta.db_table)
    column_list = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
            for instance in instances:
                copy.write_row([_value(field, instance, now) for field in fields])


def _value(field: models.Field, instance: models.Model, now) -> object:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if isinstance(instance, dict):
        value = instance[field.attname] if field.attname in instance else field.get_default()
    else:
        value = getattr(instance, field.attname)
    if isinstance(field, models.JSONField):
        return json.dumps(value, ensure_ascii=False)
    return value


def ids_by(model: type[models.Model], key: str, values: Sequence[str]) -> dict[str, int]:
    """{key value: id} for rows just inserted, in chunks."""
    ids: dict[str, int] = {}
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        ids.update(model.objects.filter(**{f"{key}__in": chunk}).values_list(key, "id"))
    return ids
