"""Admin forms that locate a pasted passage in the source, so staff never type a span.

Staff paste (or type) the words; the form finds them in the source's flat text with
``passages.find_passage`` and sets the span on the instance; the model's ``clean()`` then checks,
as it does for every writer, that the stored text is the slice at the span. When the words occur
more than once, the form shows each occurrence with its context and saves the one chosen.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from .. import passages
from ..models import Commitment, KeyTask, Statement

OCCURRENCE_HELP = _("原文位置由系统查找填写；同一段文字在原文中出现多次时，在此选择要保存的一处。")


class PassageForm(forms.ModelForm):
    """Base for a ModelForm whose ``passage_field`` holds words pasted from the source."""

    passage_field = None

    occurrence = forms.CharField(label=_("原文位置"), required=False, widget=forms.HiddenInput, help_text=OCCURRENCE_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.span_start is not None:
            # Re-saving unchanged words keeps the occurrence the row already points at.
            self.initial.setdefault("occurrence", str(self.instance.span_start))

    def search_scope(self, cleaned_data):
        """(flat_text, start, end) to search in, or None while a field it needs is missing."""
        raise NotImplementedError

    def clean(self):
        cleaned_data = super().clean()
        if self.passage_field not in self.fields:  # read-only on this page: nothing to locate
            return cleaned_data
        pasted = cleaned_data.get(self.passage_field)
        scope = self.search_scope(cleaned_data)
        if not pasted or scope is None:
            return cleaned_data
        flat_text, start, end = scope
        try:
            found = passages.find_passage(flat_text, pasted, start=start, end=end)
        except passages.PassageNotFound as error:
            self.add_error(self.passage_field, str(error))
            return cleaned_data
        chosen = self._chosen(found, cleaned_data.get("occurrence"))
        if chosen is None:
            self.fields["occurrence"].widget = forms.RadioSelect(choices=[(str(o.start), o.label) for o in found])
            self.add_error("occurrence", _("这段文字在原文中出现了 %(count)d 次，请选择要保存的是哪一处。") % {"count": len(found)})
            return cleaned_data
        cleaned_data[self.passage_field] = chosen.text  # the exact slice, not the paste
        self.instance.span_start, self.instance.span_end = chosen.start, chosen.end
        return cleaned_data

    @staticmethod
    def _chosen(found, occurrence):
        if len(found) == 1:
            return found[0]
        return next((o for o in found if str(o.start) == (occurrence or "").strip()), None)

    def _update_errors(self, errors):
        # The model's clean() names the field that holds the text; where that field is read-only
        # on this page (an existing commitment's quote), the message goes on top of the form.
        if hasattr(errors, "error_dict"):
            for field in [f for f in errors.error_dict if f != NON_FIELD_ERRORS and f not in self.fields]:
                errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(errors.error_dict.pop(field))
        super()._update_errors(errors)


class StatementAdminForm(PassageForm):
    passage_field = "text"

    class Meta:
        model = Statement
        fields = ("source", "official", "text")
        help_texts = {"text": _("从原文复制该领导干部所说的全部内容粘贴在此（可含换行），系统在来源原文中查找位置。")}

    def search_scope(self, cleaned_data):
        source = cleaned_data.get("source")
        return (source.flat_text, 0, None) if source else None


class CommitmentAdminForm(PassageForm):
    passage_field = "quote"

    class Meta:
        model = Commitment
        fields = ("statement", "organization", "number", "quote", "summary", "due_date", "due_basis")
        help_texts = {
            "quote": _("从表态原文复制这一项承诺粘贴在此（可含换行），系统在该表态的原文中查找位置。"),
            "organization": _("留空则为表态领导干部所在单位。"),
            "number": _("留空则排在该表态已有承诺之后。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("organization", "number"):
            if name in self.fields:
                self.fields[name].required = False

    def search_scope(self, cleaned_data):
        statement = cleaned_data.get("statement")
        if statement is None:
            return None
        return statement.source.flat_text, statement.span_start, statement.span_end

    def clean(self):
        cleaned_data = super().clean()
        statement = cleaned_data.get("statement")
        if statement is not None:
            if "organization" in self.fields and not cleaned_data.get("organization"):
                cleaned_data["organization"] = statement.official.organization
            if "number" in self.fields and not cleaned_data.get("number"):
                last = statement.commitments.order_by("-number").values_list("number", flat=True).first()
                cleaned_data["number"] = (last or 0) + 1
        return cleaned_data


class KeyTaskAdminForm(PassageForm):
    """A key task's span covers the item as printed (its title, then any text under it); staff paste
    that passage, or leave it empty to locate the title alone."""

    passage_field = "passage"

    passage = forms.CharField(
        label=_("原文段落"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("从原文复制该任务的标题及其下的文字粘贴在此（须以标题开头）；留空则只查找标题。"),
    )

    class Meta:
        model = KeyTask
        fields = ("conference", "source", "parent", "code", "order", "title", "description", "origin")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.source_id:
            self.initial.setdefault("passage", self.instance.passage())

    def search_scope(self, cleaned_data):
        source = cleaned_data.get("source")
        return (source.flat_text, 0, None) if source else None

    def clean(self):
        if not (self.data.get(self.add_prefix("passage")) or "").strip():
            # No passage pasted: locate the title alone.
            self.cleaned_data["passage"] = self.cleaned_data.get("title")
        return super().clean()
