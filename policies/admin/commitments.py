from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ORDER_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseNotAllowed, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, gettext_lazy as _, gettext_noop, ngettext

from .. import invalidation, ledger, search, services, summaries
from ..choices import LIGHT_COLOURS, Light, ReviewState, Status
from ..filters import ORGANIZATION_MENUS, CommitmentFilter
from ..models import Commitment, KeyTask, Milestone, ProgressUpdate, Reminder, TaskLink
from ..selectors import task_choices
from ..roles import (
    can_manage_links,
    can_see_commitment,
    is_reviewer,
    reporter_organization_id,
    visible_commitments,
)
from .base import (
    DerivedDataAdminMixin,
    HistoryAdmin,
    NotFoundOutsideScopeMixin,
    QuickActionCheckboxMixin,
    ReadOnlyInline,
    TranslatedChoicesMixin,
    choice_label,
)
from .list_filters import ConferenceListFilter, KeyTaskListFilter, LightListFilter, OrganizationKindListFilter
from .passage_forms import CommitmentAdminForm

SUGGESTION_LIMIT = 5


class AcceptSuggestionForm(forms.Form):
    task = forms.ModelChoiceField(queryset=KeyTask.objects.all(), error_messages={
        "required": _("没有选择要采纳的重点任务。"),
        "invalid_choice": _("没有这项重点任务，可能已被删除。"),
    })


class TaskLinkInline(admin.TabularInline):
    """Existing links, shown read-only so the page costs the same at any number of links."""

    model = TaskLink
    fields = ("task", "origin_label", "score")
    readonly_fields = fields
    origin_label = choice_label(TaskLink, "origin")
    extra = 0
    verbose_name_plural = _("已关联的重点任务")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("task", "commitment")  # the row caption is str(link)

    def has_add_permission(self, request, obj=None):
        return False


class TaskLinkAddInline(TranslatedChoicesMixin, admin.TabularInline):
    model = TaskLink
    fields = ("task", "origin")
    autocomplete_fields = ("task",)
    extra = 1
    verbose_name_plural = _("新增关联的重点任务")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProgressUpdateInline(ReadOnlyInline):
    """The commitment's updates, newest first, read-only: they are written and reviewed on their own pages."""

    model = ProgressUpdate
    fields = ("reported_on", "status_label", "percent", "note", "review_state_label", "review_reason", "author")
    readonly_fields = fields
    status_label = choice_label(ProgressUpdate, "status")
    review_state_label = choice_label(ProgressUpdate, "review_state")
    ordering = ("-reported_on", "-id")
    extra = 0
    show_change_link = True
    verbose_name_plural = _("进展填报（最新在前）")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "commitment")  # the row caption is str(update)


class MilestoneInline(admin.TabularInline):
    """Dated stages; the next one not yet reached drives the light and the public page."""

    model = Milestone
    fields = ("due_on", "title", "target_percent")
    extra = 0
    verbose_name_plural = _("阶段节点（按时限排列；下一个未达成的节点决定预警灯）")


class ReminderInline(ReadOnlyInline):
    """The reminders sent about this commitment (催办), newest first; written only by policies.reminders."""

    model = Reminder
    fields = ("sent_at", "kind_label", "recipient", "sent_by", "subject")
    readonly_fields = fields
    kind_label = choice_label(Reminder, "kind")
    extra = 0
    verbose_name_plural = _("催办记录（最新在前）")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recipient", "sent_by").order_by("-sent_at", "-id")


@admin.register(Commitment)
class CommitmentAdmin(
    QuickActionCheckboxMixin, TranslatedChoicesMixin, NotFoundOutsideScopeMixin, DerivedDataAdminMixin, HistoryAdmin
):
    list_display = ("summary", "organization", "official_name", "status", "percent", "light_badge",
                    "due_date", "last_update_on")
    list_select_related = ("organization", "statement__official")
    list_filter = (ConferenceListFilter, OrganizationKindListFilter, ("organization", admin.RelatedOnlyFieldListFilter),
                   KeyTaskListFilter, "status", LightListFilter, "due_date")
    # What the search index holds; get_search_results searches it instead of these columns.
    search_fields = ("quote", "summary", "statement__official__name", "organization__name")
    autocomplete_fields = ("statement", "organization")
    list_per_page = 50
    show_full_result_count = False  # a second COUNT(*) over every commitment beside each filtered count
    inlines = (TaskLinkInline, TaskLinkAddInline, MilestoneInline, ProgressUpdateInline, ReminderInline)
    form = CommitmentAdminForm
    derived_fields = ("status_label", "percent", "last_update_on", "light_badge")
    status_label = choice_label(Commitment, "status")
    close_out_fields = ("closed_on", "closed_by", "close_note")
    provenance_fields = ("statement", "organization", "number", "quote", "span_start", "span_end")
    fieldsets = (
        (_("原文出处"), {"fields": ("statement", "organization", "number", "quote", "occurrence", "span_start",
                             "span_end", "passage_link")}),
        (_("承诺内容"), {"fields": ("summary", "due_date", "due_basis")}),
        (_("当前进展（由最近一次审核通过的进展填报自动计算，不能手工修改）"), {"fields": derived_fields}),
        (_("销号（由督查员在工作台办理）"), {"fields": close_out_fields}),
    )
    change_form_template = "admin/policies/commitment/change_form.html"
    change_list_template = "admin/policies/commitment/change_list.html"

    @admin.display(description=_("领导干部"), ordering="statement__official__name")
    def official_name(self, obj):
        return obj.statement.official.name

    @admin.display(description=_("预警灯"), ordering="light")
    def light_badge(self, obj):
        light = getattr(obj, "light", None)
        if light is None:
            return "—"
        return format_html('<span style="color:{}">●</span> {}', LIGHT_COLOURS[light], gettext(Light(light).label))

    @admin.display(description=_("在原文中的位置"))
    def passage_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        source = obj.statement.source
        return format_html(_('<a href="{}#c{}" target="_blank">{}，第 {}–{} 字</a>'),
                           source.get_absolute_url(), obj.pk, source, obj.span_start, obj.span_end)

    def get_queryset(self, request):
        return visible_commitments(request.user, super().get_queryset(request)).with_light()

    def get_search_results(self, request, queryset, search_term):
        # The public text box's search (jieba words, all of them, ranked), not icontains; it also
        # backs the update form's commitment autocomplete. Scoping happened in get_queryset.
        # The changelist orders before it searches, and the search orders best match first; a
        # column header the user clicked wins over the rank.
        ordering = queryset.query.order_by
        queryset, may_have_duplicates = search.admin_search(queryset, search_term)
        if ORDER_VAR in request.GET and ordering:
            queryset = queryset.order_by(*ordering)
        return queryset, may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        # Reporters only ever get view permission, which already makes everything read-only;
        # the derived progress is read-only for everybody, the provenance once the row exists;
        # the span is found by the server from the pasted quote, never typed.
        fields = ("passage_link", "span_start", "span_end", *self.derived_fields, *self.close_out_fields)
        return (*fields, *self.provenance_fields) if obj else fields

    def get_inlines(self, request, obj):
        # The empty "add a link" rows are only useful to someone who may add links.
        if can_manage_links(request.user):
            return self.inlines
        return tuple(inline for inline in self.inlines if inline is not TaskLinkAddInline)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or can_see_commitment(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or can_see_commitment(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or can_see_commitment(request.user, obj))

    def derived_data_changed(self, objs):
        # Its text is the search document and, with its curated links, what suggestions are fitted on.
        invalidation.commitments_changed([obj.pk for obj in objs])

    def related_data_changed(self, obj):
        # The links inline: the task pages and the suggestions' profiles. The milestones inline moves lights:
        # save_model's commitments_changed counts them again once the whole save, inlines included, commits.
        invalidation.tasks_changed([obj.pk])

    def save_related(self, request, form, formsets, change):
        # Links added or removed in the inlines move the commitment in or out of their tasks' roll-ups.
        before = set(form.instance.links.values_list("task_id", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.links.values_list("task_id", flat=True))
        if before != after:
            summaries.tasks_changed(before | after)

    def delete_model(self, request, obj):
        tasks = list(obj.links.values_list("task_id", flat=True))  # deleted with it
        super().delete_model(request, obj)
        summaries.tasks_changed(tasks)

    def delete_queryset(self, request, queryset):
        tasks = list(TaskLink.objects.filter(commitment__in=queryset).values_list("task_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        summaries.tasks_changed(tasks)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if request.user.has_perm("policies.add_progressupdate"):
            extra_context["report_url"] = (
                reverse("admin:policies_progressupdate_add") + f"?commitment={object_id}"
            )
        return super().change_view(request, object_id, form_url, extra_context)

    # ---- suggested key tasks ------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Only a saved commitment has suggestions: the add page has no text to compare yet, and
        # the change page that follows the save shows them.
        # Suggestions are for whoever can act on them: a reporter could neither accept one nor link by hand.
        if obj is not None and obj.pk and can_manage_links(request.user) and self.has_change_permission(request, obj):
            context["show_suggestions"] = True
            context["suggestions"] = search.suggest_for_commitment(obj, limit=SUGGESTION_LIMIT)
            context["accept_suggestion_url"] = reverse("admin:policies_commitment_accept_suggestion", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def accept_suggestion_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        commitment = self.get_object(request, unquote(object_id))
        if not (can_manage_links(request.user) and self.has_change_permission(request, commitment)):
            raise PermissionDenied
        back = reverse("admin:policies_commitment_change", args=[commitment.pk])
        form = AcceptSuggestionForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("未采纳：%(errors)s") % {"errors": _("；").join(form.errors["task"])}, messages.ERROR)
            return HttpResponseRedirect(back)
        task = form.cleaned_data["task"]
        try:
            link = services.accept_suggestion(commitment=commitment, task=task)
        except ValidationError as error:
            self.message_user(request, _("未采纳：%(errors)s") % {"errors": _("；").join(error.messages)}, messages.ERROR)
            return HttpResponseRedirect(back)
        # simple-history records the link with its author (HistoryRequestMiddleware); the admin's
        # own log says on the commitment that a suggestion was accepted.
        self.log_change(request, commitment, [{"added": {"name": gettext_noop("采纳系统建议的任务关联"), "object": str(link)}}])
        self.message_user(
            request,
            _("已采纳建议：关联重点任务 %(code)s %(title)s（相似度 %(score).2f）。") % {"code": task.code, "title": task.title, "score": link.score},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(back)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "ledger_url": reverse("admin:policies_commitment_ledger")}
        return super().changelist_view(request, extra_context)

    # ---- ledgers (台账) ----------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("ledger/", view(self.ledger_view), name="policies_commitment_ledger"),
            path("ledger/download/", view(self.ledger_download_view), name="policies_commitment_ledger_download"),
            path("<path:object_id>/suggestions/accept/", view(self.accept_suggestion_view),
                 name="policies_commitment_accept_suggestion"),
            *super().get_urls(),
        ]

    def _render_ledger(self, request, errors=(), status=200, upload=False):
        can_upload = request.user.has_perm("policies.add_progressupdate")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("承诺台账：下载与上传"),
            "filter_form": self._ledger_filter_form(request),
            "can_upload": can_upload,
            "errors": errors,
            "upload_failed": upload and bool(errors),
            "header": ledger.HEADER,
            "progress_columns": ledger.PROGRESS_COLUMNS,
            "statuses": ledger.STATUS_LABELS,
            "completed": Status.COMPLETED.label,  # as it is written in the sheet, whatever the interface's language
        }
        return TemplateResponse(request, "admin/policies/commitment/ledger.html", context, status=status)

    def _ledger_filter_form(self, request):
        form = CommitmentFilter(request.GET or None, queryset=Commitment.objects.none()).form
        form.fields["task"].widget = forms.Select(choices=[("", _("全部")), *task_choices()])
        organization_id = reporter_organization_id(request.user)
        if organization_id or not is_reviewer(request.user):
            # A reporter's ledger is their organization's anyway; offering the others would only mislead.
            for name in ("organization", *ORGANIZATION_MENUS):
                field = form.fields[name]
                field.queryset = field.queryset.filter(pk=organization_id) if organization_id else field.queryset.none()
        return form

    def ledger_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return self._render_ledger(request)
        if not request.user.has_perm("policies.add_progressupdate"):
            raise PermissionDenied
        upload = request.FILES.get("file")
        if upload is None:
            return self._render_ledger(request, [ledger.RowError(0, "", _("请选择要上传的台账文件。"))], 400, upload=True)
        if upload.size > ledger.MAX_BYTES:
            return self._render_ledger(request, [ledger.RowError(0, "", _("文件超过 5 MB，请拆分后上传。"))], 400, upload=True)
        try:
            created = ledger.import_ledger(data=upload.read(), filename=upload.name, user=request.user)
        except ledger.LedgerError as error:
            return self._render_ledger(request, error.errors, 400, upload=True)
        self.message_user(request, ngettext("已导入 %(count)d 条进展填报，等待督查员审核。", "已导入 %(count)d 条进展填报，等待督查员审核。", len(created))
            % {"count": len(created)}, messages.SUCCESS)
        submitted = f"?review_state__exact={ReviewState.SUBMITTED}"
        return HttpResponseRedirect(reverse("admin:policies_progressupdate_changelist") + submitted)

    def ledger_download_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        params = request.GET.copy()
        file_format = params.pop("format", ["xlsx"])[-1]
        if file_format not in ("xlsx", "csv"):
            return self._render_ledger(request, [ledger.RowError(0, _("格式"), _("只能下载 xlsx 或 csv。"))], status=400)
        try:
            commitments = ledger.commitments_for_ledger(request.user, {k: v for k, v in params.items() if v})
        except ledger.LedgerError as error:
            return self._render_ledger(request, error.errors, status=400)
        if file_format == "xlsx":
            response = FileResponse(ledger.stream_xlsx(commitments), content_type=ledger.XLSX_TYPE)
        else:
            response = StreamingHttpResponse(ledger.stream_csv(commitments), content_type="text/csv; charset=utf-8")
        filename = f"承诺台账-{timezone.localdate():%Y%m%d}.{file_format}"
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response
