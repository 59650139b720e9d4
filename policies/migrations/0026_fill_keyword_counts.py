"""Count the words of an existing database's search documents for the suggestions and the keywords (0020's
and 0025's tables), and weigh every keyword from those counts: the same as ``manage.py rebuild_search_index``
does for them. jieba is loaded only when there are documents."""

from django.db import migrations


def fill(apps, schema_editor):
    from policies.search import word_counts

    word_counts.recount(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("policies", "0025_stored_keyword_counts")]

    # Going back drops the tables and columns with 0025: nothing to undo here.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
