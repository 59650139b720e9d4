"""Progress over time, from approved updates: a commitment's steps and each key task's monthly average,
with the coordinates of the small SVG charts the pages draw (templates/includes/progress_chart.html).

A commitment's percent on a day is that of its latest approved update reported on or before it
(0 before the first), the same rule as services.refresh_progress.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .models import TaskMonth

WIDTH, HEIGHT, PAD = 240, 72, 4  # the chart's user units; CSS scales it


@dataclass(frozen=True)
class Chart:
    """A percent-over-time step line, ready to draw: ``points`` in SVG user units."""

    points: str
    dots: list  # [(x, y)] where the value changed
    first: datetime.date
    last: datetime.date
    last_percent: float
    description: str  # for screen readers: the same data in words
    marks: str = ""  # the dots as SVG circles, numbers only (see step_chart)
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def dot_marks(self):
        return mark_safe(self.marks)


def _x(day, first, last):
    span = (last - first).days or 1
    return round(PAD + (WIDTH - 2 * PAD) * (day - first).days / span, 1)


def _y(percent):
    return round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * percent / 100, 1)


def step_chart(series):
    """A Chart of ``series`` [(date, percent)] in date order, held flat between changes; None if empty.

    ``_x`` and ``_y`` inlined, the same arithmetic, each coordinate written once for the line and its dot:
    the dashboard draws ten charts of sixty months, and a template loop over the dots or a second pass
    cost more than the rest of its charts."""
    if not series:
        return None
    first, last = series[0][0], series[-1][0]
    origin, span, width, height = first.toordinal(), (last - first).days or 1, WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    coords, dots, marks, value = [], [], [], series[0][1]
    y_before = f"{_y(value)}"
    for day, percent in series:
        x, y = round(PAD + width * (day.toordinal() - origin) / span, 1), round(HEIGHT - PAD - height * percent / 100, 1)
        text_x, text_y = f"{x}", f"{y}"
        coords.append(f"{text_x},{y_before} {text_x},{text_y}")
        marks.append(f'<circle cx="{text_x}" cy="{text_y}" r="2.5"/>')
        dots.append((x, y))
        value, y_before = percent, text_y
    if first == last:  # one point: a short flat line, so that there is something to see
        coords.append(f"{WIDTH - PAD},{_y(value)}")
    words = gettext("；").join([f"{day.isoformat()} {percent:g}%" for day, percent in series])
    return Chart(
        points=" ".join(coords),
        dots=dots,
        first=first,
        last=last,
        last_percent=value,
        description=gettext("完成进度（0–100%%）随时间的变化：%(points)s") % {"points": words},
        marks="".join(marks),
    )


def commitment_chart(updates):
    """The chart of a commitment's approved ``updates`` (any order; already read for its timeline)."""
    latest_per_day = {}
    for update in sorted(updates, key=lambda u: (u.reported_on, u.pk)):
        latest_per_day[update.reported_on] = update.percent
    return step_chart(sorted(latest_per_day.items()))


@functools.lru_cache(maxsize=1024)  # the same few dozen months for every task of a chart set
def _month_end(day):
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def task_charts(tasks):
    """{task pk: Chart of its commitments' average percent at each month end}, for top-level ``tasks``
    annotated with ``n_commitments`` (KeyTask.objects.with_rollup()). Tasks with no approved update get none.

    One query whatever the data size, over the tasks' summary rows (``policies.summaries``): each month
    holds the sum of the changes of the task's commitments over their previous month; the running sum
    over months, divided by the task's commitments, is the average a month end would have shown.
    """
    tasks = [task for task in tasks if task.n_commitments]
    if not tasks:
        return {}
    changes = defaultdict(list)  # task → [(month, sum of percent changes)] in month order
    rows = TaskMonth.objects.filter(task_id__in=[task.pk for task in tasks], entries__gt=0).order_by("task_id", "month")
    for task_id, month, change in rows.values_list("task_id", "month", "change"):
        changes[task_id].append((month, change))
    charts = {}
    for task in tasks:
        if not changes[task.pk]:
            continue
        total, series = 0, []
        for month, change in changes[task.pk]:
            total += change
            series.append((_month_end(month), round(total / task.n_commitments, 1)))
        charts[task.pk] = step_chart(series)
    return charts
