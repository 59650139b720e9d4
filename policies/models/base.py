"""Pieces shared by the models: passages located by span, and a column held to its choices."""

from django.db import models
from django.db.models import F, Q


def _in_choices(field, choices):
    return Q(**{f"{field}__in": choices.values})


def _span_is_valid(prefix=""):
    return Q(**{f"{prefix}span_start__gte": 0}) & Q(**{f"{prefix}span_end__gt": F(f"{prefix}span_start")})


class SpanMixin(models.Model):
    """A passage of ``self.source`` given by its offsets in the source's flat text."""

    span_start = models.PositiveIntegerField("起始位置")
    span_end = models.PositiveIntegerField("结束位置")

    class Meta:
        abstract = True

    def passage(self):
        return self.source.flat_text[self.span_start : self.span_end]
