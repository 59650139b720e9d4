"""Fresh statistics for the commitments' indexes on SQLite, after 0017 recreated one of them.

SQLite keeps each index's statistics (sqlite_stat1, written by ANALYZE) under the index's name, and
dropping the index drops them: 0017's new policies_commitment_status_due had none, and without them the
planner took it for any test of a status. The API's list of a district's commitments in progress
(organization and status) then read every commitment in progress and sorted them: 125 ms at 100,000
instead of 18 through the organization's index. ANALYZE of the one table: about 0.1 s at 100,000.
PostgreSQL keeps its statistics per column, not per index: nothing to do there.
"""

from django.db import migrations


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        table = apps.get_model("policies", "Commitment")._meta.db_table
        schema_editor.execute(f"ANALYZE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("policies", "0017_status_due_percent_index")]

    operations = [migrations.RunPython(analyze, migrations.RunPython.noop)]
