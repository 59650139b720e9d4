"""Source titles become plain text, one title per line, so staff can edit them in the admin.

The column changes type first (a JSON list's text survives the change on both databases), then
each list is rewritten as its titles joined by newlines.
"""

import json

from django.db import migrations, models


def lists_to_lines(apps, schema_editor):
    Source = apps.get_model("policies", "Source")
    for source in Source.objects.using(schema_editor.connection.alias).only("titles"):
        try:
            titles = json.loads(source.titles or "[]")
        except ValueError:
            continue  # already plain text
        if isinstance(titles, list):
            source.titles = "\n".join(str(title) for title in titles)
            source.save(update_fields=["titles"])


def lines_to_lists(apps, schema_editor):
    Source = apps.get_model("policies", "Source")
    for source in Source.objects.using(schema_editor.connection.alias).only("titles"):
        lines = [line.strip() for line in source.titles.splitlines() if line.strip()]
        source.titles = json.dumps(lines, ensure_ascii=False)
        source.save(update_fields=["titles"])


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0007_milestones"),
    ]

    operations = [
        migrations.AlterField(
            model_name="source",
            name="titles",
            field=models.TextField(blank=True, help_text="本版各篇文章的标题，按版面顺序，每行一个。", verbose_name="标题"),
        ),
        migrations.RunPython(lists_to_lines, lines_to_lists),
    ]
