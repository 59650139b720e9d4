"""Conferences get a slug and a plan year; "no approved report" becomes its own status.

The data steps fill the new conference fields as Conference.save() would (slug = the ISO date,
plan year = the next year for a November/December conference), and mark every commitment without
an approved progress update 尚无报告 instead of 未启动: nobody reported that it had not started.
"""

from django.db import migrations, models


def fill_conference_fields(apps, schema_editor):
    Conference = apps.get_model("policies", "Conference")
    taken = set()
    for conference in Conference.objects.using(schema_editor.connection.alias).order_by("held_on", "pk"):
        slug = conference.held_on.isoformat()
        if slug in taken:  # two cities on one day: the later row keeps its id in the slug
            slug = f"{slug}-{conference.pk}"
        taken.add(slug)
        conference.slug = slug
        held_on = conference.held_on
        conference.plan_year = held_on.year + 1 if held_on.month >= 11 else held_on.year
        conference.save(using=schema_editor.connection.alias, update_fields=["slug", "plan_year"])


def mark_unreported(apps, schema_editor):
    db = schema_editor.connection.alias
    Commitment = apps.get_model("policies", "Commitment")
    ProgressUpdate = apps.get_model("policies", "ProgressUpdate")
    # NOT EXISTS, not NOT IN: PostgreSQL hashes a NOT IN list only when it fits in work_mem, and otherwise
    # rescans it for every commitment (over 14 minutes at 100,000 commitments and 600,000 approvals).
    approved = ProgressUpdate.objects.using(db).filter(review_state="approved", commitment=models.OuterRef("pk"))
    Commitment.objects.using(db).filter(~models.Exists(approved)).update(
        status="not_reported", percent=0, last_update_on=None
    )


def mark_unreported_backwards(apps, schema_editor):
    commitments = apps.get_model("policies", "Commitment").objects.using(schema_editor.connection.alias)
    commitments.filter(status="not_reported").update(status="not_started")


class Migration(migrations.Migration):

    dependencies = [
        ('policies', '0008_source_titles_text'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='conference',
            options={'ordering': ['held_on', 'pk'], 'verbose_name': '会议', 'verbose_name_plural': '会议'},
        ),
        migrations.RemoveConstraint(
            model_name='commitment',
            name='policies_commitment_status_valid',
        ),
        migrations.AddField(
            model_name='conference',
            name='plan_year',
            field=models.PositiveSmallIntegerField(blank=True, help_text='会议部署哪一年的经济工作；留空则按召开日期推定（11、12 月召开的取次年）。', null=True, verbose_name='部署年度'),
        ),
        migrations.AddField(
            model_name='conference',
            name='slug',
            field=models.SlugField(blank=True, help_text='网址中的会议标识；留空则取召开日期，如 2020-12-29。', verbose_name='标识'),
        ),
        migrations.AlterField(
            model_name='commitment',
            name='status',
            field=models.CharField(choices=[('not_reported', '尚无报告'), ('not_started', '未启动'), ('in_progress', '推进中'), ('behind', '进展滞后'), ('completed', '已完成'), ('not_kept', '未兑现')], default='not_reported', max_length=20, verbose_name='当前状态'),
        ),
        migrations.AlterField(
            model_name='historicalcommitment',
            name='status',
            field=models.CharField(choices=[('not_reported', '尚无报告'), ('not_started', '未启动'), ('in_progress', '推进中'), ('behind', '进展滞后'), ('completed', '已完成'), ('not_kept', '未兑现')], default='not_reported', max_length=20, verbose_name='当前状态'),
        ),
        migrations.AddConstraint(
            model_name='commitment',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['not_reported', 'not_started', 'in_progress', 'behind', 'completed', 'not_kept'])), name='policies_commitment_status_valid'),
        ),
        migrations.RunPython(mark_unreported, mark_unreported_backwards),
        migrations.RunPython(fill_conference_fields, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='conference',
            constraint=models.UniqueConstraint(fields=('slug',), name='policies_conference_unique_slug'),
        ),
    ]
