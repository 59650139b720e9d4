"""Count the words of an existing database's search documents for the suggestions (0020's tables): the
same as ``manage.py rebuild_search_index`` does for them. jieba is loaded only when there are documents."""

from django.db import migrations


def fill(apps, schema_editor):
    from policies.search import word_counts

    word_counts.recount(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("policies", "0020_stored_suggestion_counts")]

    # Going back drops the tables with 0020: nothing to undo here.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
