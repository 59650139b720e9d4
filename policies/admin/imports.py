"""Admin for imported reports (督查员 only): paste or upload a report, then review its drafts.

The add page reads the report and stores drafts (``policies.importing.import_report``); the change
page is the review page: each draft statement is editable (official, organization, its commitments'
quotes, summaries, due dates and key tasks) and is accepted or discarded there. Nothing on these
pages is public until it is accepted.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.forms import BaseModelFormSet, modelformset_factory
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..ids import parse_id

from .. import importing
from ..choices import DraftState
from ..importer import MAX_BYTES, ImportInputError
from ..models import Commitment, DraftCommitment, DraftStatement, ImportedReport
from ..roles import is_reviewer

_CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


class ImportForm(forms.Form):
    text = forms.CharField(label=_("粘贴报道原文"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 16, "cols": 100}))
    file = forms.FileField(label=_("或上传文本文件"), required=False,
                           help_text=_("纯文本（.txt），UTF-8 或 GBK/GB18030 编码，不超过 5 MB。"))
    conference_date = forms.DateField(label=_("会议日期"), required=False,
                                      help_text=_("YYYY-MM-DD；报道写明年份时可不填。"))
    conference_name = forms.CharField(label=_("会议名称"), required=False, max_length=200,
                                      help_text=_("留空则从报道中识别，如“全市经济工作会议”。"))
    publisher = forms.CharField(label=_("刊发媒体"), required=False, max_length=100)
    published_on = forms.DateField(label=_("刊发日期"), required=False)

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("text") or "", cleaned.get("file")
        if text.strip() and upload:
            raise ValidationError(_("请只粘贴原文或只上传文件，不要同时提供。"))
        if upload is not None:
            if upload.size > MAX_BYTES:
                raise ValidationError(_("文件过大：%(size).1f MB，上限为 5 MB。") % {"size": upload.size / 1024 / 1024})
            cleaned["data"] = upload.read()
        elif text.strip():
            cleaned["data"] = text
        else:
            raise ValidationError(_("请粘贴报道原文或上传文本文件。"))
        return cleaned


class ReportForm(forms.ModelForm):
    class Meta:
        model = ImportedReport
        fields = ("conference_name", "conference_city", "conference_held_on", "publisher", "published_on")


class DraftStatementForm(forms.ModelForm):
    class Meta:
        model = DraftStatement
        fields = ("official_name", "official_title", "organization_name", "organization_kind")
        widgets = {
            "official_name": forms.TextInput(attrs={"size": 8}),
            "official_title": forms.TextInput(attrs={"size": 24}),
            "organization_name": forms.TextInput(attrs={"size": 16}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("official_title", "organization_kind"):
            self.fields[name].required = True


class DraftCommitmentForm(forms.ModelForm):
    """A commitment of a draft statement. The quote must be words of the statement, found where they
    are (the span follows the quote); key tasks are codes among the conference's."""

    task_codes = forms.CharField(label=_("重点任务编号"), required=False, help_text=_("如 T1.1、T2，用顿号或逗号分隔。"),
                                 widget=forms.TextInput(attrs={"size": 12}))

    class Meta:
        model = DraftCommitment
        fields = ("quote", "summary", "due_date", "due_basis", "task_codes")
        widgets = {
            "quote": forms.Textarea(attrs={"rows": 2, "cols": 40, "class": "draft-quote"}),
            "summary": forms.TextInput(attrs={"size": 30}),
            "due_date": forms.DateInput(attrs={"size": 10}),
            "due_basis": forms.TextInput(attrs={"size": 30}),
        }

    def __init__(self, *args, flat, statement, known_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.flat, self.statement, self.known_codes = flat, statement, known_codes
        self.initial["task_codes"] = "、".join(self.instance.task_codes or [])

    def clean_quote(self):
        quote = self.cleaned_data["quote"].strip()
        near = (self.instance.span_start, self.instance.span_end) if self.instance.pk else None
        self.span = importing.locate_quote(
            self.flat, quote, within=(self.statement.span_start, self.statement.span_end), near=near
        )
        return quote

    def clean_task_codes(self):
        codes = [code for code in _CODE_SEPARATORS.split(self.cleaned_data["task_codes"].strip()) if code]
        unknown = [code for code in codes if code not in self.known_codes]
        if unknown:
            raise ValidationError(_("没有编号为 %(codes)s 的重点任务。") % {"codes": _("、").join(unknown)})
        return list(dict.fromkeys(codes))

    def clean(self):
        cleaned = super().clean()
        if "due_date" in self.changed_data and "due_basis" not in self.changed_data and cleaned.get("due_date"):
            self.add_error("due_basis", _("修改了完成时限，请同时写明时限依据。"))
        return cleaned

    def save(self, commit=True):
        self.instance.statement = self.statement
        self.instance.span_start, self.instance.span_end = self.span
        return super().save(commit)


class BaseDraftCommitmentFormSet(BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("不是承诺")


DraftCommitmentFormSet = modelformset_factory(
    DraftCommitment, form=DraftCommitmentForm, formset=BaseDraftCommitmentFormSet, extra=1, can_delete=True
)


def _known_codes(report):
    codes = set(report.tasks.values_list("code", flat=True))
    conference = report.conference or importing.conference_for_report(report)
    if conference is not None:
        codes |= set(conference.tasks.values_list("code", flat=True))
    return codes


@admin.register(ImportedReport)
class ImportedReportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "conference_city", "conference_held_on", "publisher", "drafts", "accepted",
                    "imported_by", "imported_at")
    list_select_related = ("imported_by",)
    search_fields = ("conference_name", "conference_city", "publisher")

    @admin.display(description=_("待审核表态"), ordering="draft_count")
    def drafts(self, obj):
        return obj.draft_count

    @admin.display(description=_("已采纳表态"), ordering="accepted_count")
    def accepted(self, obj):
        return obj.accepted_count

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            draft_count=Count("statements", filter=Q(statements__state=DraftState.DRAFT)),
            accepted_count=Count("statements", filter=Q(statements__state=DraftState.ACCEPTED)),
        )

    # Drafts are the supervision office's work: reviewers only, whatever other permissions say.
    def has_module_permission(self, request):
        return is_reviewer(request.user)

    def has_view_permission(self, request, obj=None):
        return is_reviewer(request.user)

    def has_add_permission(self, request):
        return is_reviewer(request.user)

    def has_change_permission(self, request, obj=None):
        return is_reviewer(request.user)

    def has_delete_permission(self, request, obj=None):
        # A report some of whose statements are public stays: it records where they came from.
        return is_reviewer(request.user) and (obj is None or not obj.statements.filter(
            state=DraftState.ACCEPTED).exists())

    def _context(self, request, title, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **extra}

    # ---- importing ---------------------------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm()
        if request.method == "POST":
            try:
                form = ImportForm(request.POST, request.FILES)
                valid = form.is_valid()
            except RequestDataTooBig:
                form, valid = ImportForm(), False
                form.add_error(None, _("粘贴的文字过多：请保存为文本文件后上传（不超过 5 MB）。"))
            if valid:
                try:
                    result = importing.import_report(
                        data=form.cleaned_data["data"],
                        conference_date=form.cleaned_data["conference_date"],
                        conference_name=form.cleaned_data["conference_name"] or None,
                        user=request.user,
                        publisher=form.cleaned_data["publisher"],
                        published_on=form.cleaned_data["published_on"],
                    )
                except ImportInputError as error:
                    form.add_error(None, error.chinese)
                else:
                    level = messages.SUCCESS if result.created else messages.WARNING
                    self.message_user(request, result.message, level)
                    return HttpResponseRedirect(reverse("admin:policies_importedreport_change",
                                                        args=[result.report.pk]))
        context = self._context(request, _("导入会议报道"), form=form, max_mb=MAX_BYTES // (1024 * 1024))
        return TemplateResponse(request, "admin/policies/importedreport/import.html", context)

    # ---- reviewing ---------------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_change_permission(request):
            raise PermissionDenied
        report = self.get_object(request, object_id)
        if report is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if request.method == "POST" and "_discard" in request.POST:
            return self._act(request, report, "discard", [request.POST["_discard"]])
        flat = report.flat_text
        known_codes = _known_codes(report)
        data = request.POST if request.method == "POST" else None
        report_form = ReportForm(data, instance=report, prefix="report") if report.source_id is None else None
        blocks = []
        for statement in report.statements.filter(state=DraftState.DRAFT).prefetch_related("commitments"):
            blocks.append({
                "draft": statement,
                "form": DraftStatementForm(data, instance=statement, prefix=f"s{statement.pk}"),
                "commitments": DraftCommitmentFormSet(
                    data, queryset=statement.commitments.all(), prefix=f"c{statement.pk}",
                    form_kwargs={"flat": flat, "statement": statement, "known_codes": known_codes},
                ),
            })
        if request.method == "POST":
            forms_ = [f for f in (report_form,) if f] + [b["form"] for b in blocks] + [b["commitments"] for b in blocks]
            if all(f.is_valid() for f in forms_):
                with transaction.atomic():
                    for f in forms_:
                        f.save()
                if "_accept" in request.POST:
                    return self._act(request, report, "accept", [request.POST["_accept"]])
                if "_accept_all" in request.POST:
                    return self._act(request, report, "accept", [b["draft"].pk for b in blocks])
                self.message_user(request, _("已保存修改（仍是草稿，未公开）。"), messages.SUCCESS)
                return HttpResponseRedirect(request.path)
            self.message_user(request, _("有错误，未保存：请按提示修改。"), messages.ERROR)
        others = report.statements.exclude(state=DraftState.DRAFT).select_related("statement")
        accepted_commitments = Commitment.objects.filter(
            statement__in=[d.statement_id for d in others if d.statement_id]
        ).select_related("statement")
        context = self._context(
            request, _("审核导入的报道：%(report)s") % {"report": report}, report=report, original=report, report_form=report_form,
            blocks=blocks, others=others, accepted_commitments=accepted_commitments,
            tasks=report.tasks.select_related("task"), known_codes=sorted(known_codes), DraftState=DraftState,
            has_delete_permission=self.has_delete_permission(request, report),
        )
        return TemplateResponse(request, "admin/policies/importedreport/review.html", context)

    def _act(self, request, report, action, ids):
        drafts = list(report.statements.filter(pk__in=[pk for pk in map(parse_id, ids) if pk is not None]))
        try:
            if action == "accept":
                statements, notes = importing.accept_statements(drafts=drafts, reviewer=request.user)
                names = _("、").join(s.official.name for s in statements)
                self.message_user(request, _("已采纳 %(names)s 的表态，已在公开页面显示。") % {"names": names}, messages.SUCCESS)
                for note in notes:
                    self.message_user(request, note, messages.WARNING)
            else:
                discarded = importing.discard_statements(drafts=drafts, reviewer=request.user)
                names = _("、").join(d.official_name for d in discarded)
                self.message_user(request, _("已放弃 %(names)s 的表态草稿，不会公开。") % {"names": names}, messages.WARNING)
        except ValidationError as error:
            refused = _("未采纳，没有写入任何数据：%(errors)s") if action == "accept" else _("未放弃，没有写入任何数据：%(errors)s")
            self.message_user(request, refused % {"errors": _("；").join(error.messages)}, messages.ERROR)
        return HttpResponseRedirect(reverse("admin:policies_importedreport_change", args=[report.pk]))
