"""Was: count the words of an existing database's search documents for the suggestions (0020's tables).

The counting now also fills the keywords' counts (0025's columns and table), which do not exist yet at
this point: ``0026_fill_keyword_counts`` counts everything once they do."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("policies", "0020_stored_suggestion_counts")]

    operations = []
