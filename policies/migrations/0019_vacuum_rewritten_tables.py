"""PostgreSQL: VACUUM (ANALYZE) the search documents, which 0015 rewrote to add the stored search vector.

A table rewritten by ALTER TABLE starts with no visibility map and, for the new column, no statistics, and
autovacuum counts neither as changes: until enough later writes, counting a search's matches read every
heap page instead of the index alone (12 of 60 ms of the search 就业 at 100,000 commitments). VACUUM cannot
run inside a transaction, so this migration is not atomic. SQLite: nothing (0018 analyzed what it needs).
"""

from django.db import migrations


def vacuum(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = apps.get_model("policies", "SearchDocument")._meta.db_table
        schema_editor.execute(f"VACUUM (ANALYZE) {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("policies", "0018_analyze_commitment_indexes")]

    operations = [migrations.RunPython(vacuum, migrations.RunPython.noop)]
