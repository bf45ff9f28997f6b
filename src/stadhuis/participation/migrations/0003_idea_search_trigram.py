"""Trigram indexes for searching the idea list (PostgreSQL only).

The public idea list searches with ``icontains`` on title and text, which Django writes
as ``UPPER(col::text) LIKE UPPER('%term%')``: without an index every idea of the city
is read for a rare or absent word. GIN indexes with ``gin_trgm_ops`` on exactly those
expressions serve that LIKE (for terms of three letters or more) and keep its meaning.

``pg_trgm`` ships with PostgreSQL and is a trusted extension (PostgreSQL 13 and later):
a database owner may create it without being a superuser. SQLite (the demo) keeps the
plain scan; the indexes are not in the models' state, as Django cannot express them
for both databases.
"""

from django.db import migrations

INDEXES = {
    "idea_title_trgm": "upper((title)::text)",
    "idea_body_trgm": "upper(body)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON participation_idea "
            f"USING gin ({expression} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("participation", "0002_answer_milestone_public_id")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
