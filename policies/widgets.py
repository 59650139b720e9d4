"""Form widgets of the public pages."""

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def _escape(text):
    """Django's ``conditional_escape``, the same characters escaped (it calls html.escape), without a
    SafeString made for each of hundreds of options."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


class QuickSelect(forms.Select):
    """A <select> whose options are written by string formatting, not one template render per option.

    The list's menus hold every organization, official and key task (about 800 options at any size of
    the data): through Django's widget templates they cost 35 ms of a 48 ms list page. Same markup
    and attributes (``aria-*``; ``selected`` on the first option with the value), the same escaping.
    The choices are kept as given, lists of (value, label) or of option groups, or a model field's lazy
    iterator (read when the menu is written, as Django's own): Django's Select normalizes each choice
    again whenever they are set."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = value if isinstance(value, BaseChoiceIterator) else list(value)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        values = {str(v) for v in self.format_value(value)}
        parts = [format_html('<select name="{}"{}>', name, flatatt(attrs))]
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(self._option(v, text, values) for v, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(option_value, label, values))
        parts.append("</select>")
        return mark_safe("\n".join(parts))

    @staticmethod
    def _option(value, label, values):
        value = "" if value is None else str(value)
        selected = value in values
        if selected:
            values.clear()  # a single choice: only the first option with the value is selected
        return f'<option value="{_escape(value)}"{" selected" if selected else ""}>{_escape(label)}</option>'
