"""Pieces shared by the models: passages located by span, and a column held to its choices."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..passages import mismatch_message


def _in_choices(field, choices):
    return Q(**{f"{field}__in": choices.values})


def _span_is_valid(prefix=""):
    return Q(**{f"{prefix}span_start__gte": 0}) & Q(**{f"{prefix}span_end__gt": F(f"{prefix}span_start")})


class SpanMixin(models.Model):
    """A passage of ``self.source`` given by its offsets in the source's flat text."""

    span_start = models.PositiveIntegerField(_("起始位置"))
    span_end = models.PositiveIntegerField(_("结束位置"))

    class Meta:
        abstract = True

    def passage(self):
        return self.source.flat_text[self.span_start : self.span_end]

    def _flat_text_or_none(self):
        try:
            return self.source.flat_text
        except ObjectDoesNotExist:  # no source chosen yet: the form reports the missing field
            return None

    def check_slice(self, field, expected, what):
        """Refuse a row whose ``field`` (its verbatim text) is not the flat-text slice at its span.

        In the model, not a form, so the admin, the importer's acceptance and any service share it.
        """
        flat_text = self._flat_text_or_none()
        if flat_text is None or expected is None:
            return
        message = mismatch_message(expected, flat_text, self.span_start, self.span_end, what=what)
        if message:
            raise ValidationError({field: message})
