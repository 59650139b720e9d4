from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy as _, ngettext

from .. import evidence, services
from ..choices import ReviewState
from ..ids import parse_id
from ..models import Milestone, ProgressUpdate
from ..roles import can_edit_update, can_see_update, is_reviewer, visible_commitments, visible_updates
from .base import HistoryAdmin, NotFoundOutsideScopeMixin, QuickActionCheckboxMixin, TranslatedChoicesMixin, choice_label
from .list_filters import UpdateOrganizationKindListFilter


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), max_length=1000,
                             help_text=_("填报人会在自己的填报中看到这段理由。"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(evidence.EXTENSIONS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [single(item, initial) for item in files]


class ProgressUpdateForm(forms.ModelForm):
    evidence_files = MultipleFileField(
        label=_("上传佐证文件"), required=False,
        help_text=format_lazy(
            _("可多选。允许 {kinds}；按文件内容核对类型。审核通过后随进展公开，之前只有本单位填报员和督查员能看到。"),
            kinds=evidence.ALLOWED_EXTENSIONS_TEXT,
        ),
    )

    def clean_evidence_files(self):
        files = self.cleaned_data["evidence_files"]
        if files:
            already = self.instance.evidence_files.count() if self.instance.pk else 0
            evidence.check_files(files, already=already)
        return files


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(QuickActionCheckboxMixin, TranslatedChoicesMixin, NotFoundOutsideScopeMixin, HistoryAdmin):
    form = ProgressUpdateForm
    list_display = ("reported_on", "commitment", "organization_name", "status", "percent", "review_state",
                    "review_reason", "author", "reviewed_by")
    list_display_links = ("reported_on", "commitment")
    list_select_related = ("commitment__organization", "author", "reviewed_by")
    # Plain filters, whose choices come from the small tables or no query at all: at a million updates
    # RelatedOnlyFieldListFilter's DISTINCT over the updates, and date_hierarchy's DISTINCT date_trunc,
    # cost seconds per page. The "reported on" filter offers fixed ranges (today, past 7 days, ...).
    list_filter = ("review_state", "status", UpdateOrganizationKindListFilter,
                   ("commitment__organization", admin.RelatedFieldListFilter), "reported_on")
    search_fields = ("commitment__summary", "commitment__quote", "note", "author__username",
                     "commitment__organization__name")
    autocomplete_fields = ("commitment",)
    list_per_page = 50
    # The "N in all" beside a filtered count is a COUNT(*) over every update: not worth it at a million.
    show_full_result_count = False
    actions = ("approve_selected", "reject_selected")
    editable_fields = ("commitment", "reported_on", "status", "percent", "milestone", "note", "evidence_url")
    review_fields = ("attached_files", "review_state_label", "review_reason", "author", "created_at", "reviewed_by", "reviewed_at")
    review_state_label = choice_label(ProgressUpdate, "review_state")
    change_form_template = "admin/policies/progressupdate/change_form.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("佐证文件"))
    def attached_files(self, obj):
        # Shown, not edited here: new files come through the upload field and services.attach_evidence.
        rows = [(reverse("policies:evidence_file", args=[row.pk]), row.original_name, gettext(row.get_kind_display()),
                 filesizeformat(row.size)) for row in obj.evidence_files.all()]
        items = format_html_join("", _('<li><a href="{}">{}</a>（{}，{}）</li>'), rows)
        return format_html("<ul>{}</ul>", items) if rows else _("无")

    @admin.display(description=_("责任单位"), ordering="commitment__organization__name")
    def organization_name(self, obj):
        return obj.commitment.organization.name

    def get_queryset(self, request):
        return visible_updates(request.user, super().get_queryset(request))

    def get_fields(self, request, obj=None):
        if obj is None:
            return (*self.editable_fields, "evidence_files")
        upload = ("evidence_files",) if self.has_change_permission(request, obj) else ()
        return (*self.editable_fields, *upload, *self.review_fields)

    def get_readonly_fields(self, request, obj=None):
        # An update stays on the commitment it was written for; the review fields change only through review.
        return ("commitment", *self.review_fields) if obj else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "commitment":
            kwargs["queryset"] = visible_commitments(request.user)
        if db_field.name == "milestone":
            kwargs["queryset"] = self._milestone_choices(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _milestone_choices(self, request):
        """The milestones of the commitment being reported on when known (?commitment= or the saved
        update), else of every commitment the user may see; the model's clean() pairs them anyway."""
        milestones = Milestone.objects.filter(commitment__in=visible_commitments(request.user)).select_related("commitment")
        match = request.resolver_match
        object_id = match.kwargs.get("object_id") if match else None
        commitment_id = parse_id(request.GET.get("commitment") or request.POST.get("commitment"))
        if parse_id(object_id) is not None:
            commitment_id = ProgressUpdate.objects.filter(pk=parse_id(object_id)).values_list("commitment_id", flat=True).first()
        if commitment_id is not None:
            milestones = milestones.filter(commitment_id=commitment_id)
        return milestones.order_by("due_on", "target_percent")

    # ---- permissions: model permissions from the groups, narrowed per object ------------------

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or can_see_update(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or can_edit_update(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and is_reviewer(request.user)

    def has_review_permission(self, request, obj=None):
        return is_reviewer(request.user)

    def has_change_history_permission(self, request, obj=None):
        # Reverting to an old version is a reviewer's correction, never a way round the review.
        return is_reviewer(request.user)

    # ---- writes go through the services ------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change and not ProgressUpdate.objects.filter(pk=obj.pk).exists():
            # "Revert" on the history page of a deleted update: bring it back, then apply the form.
            services.restore_update(update_id=obj.pk, reviewer=request.user)
        if change:
            revised = services.revise_update(update=obj, editor=request.user)
            if revised.review_state == ReviewState.SUBMITTED and not is_reviewer(request.user):
                messages.info(request, _("已重新提交，等待督查员审核；审核通过后才会公开。"))
        else:
            services.submit_update(update=obj, author=request.user)
            messages.info(request, _("已提交，等待督查员审核；审核通过后才会公开。"))
        files = form.cleaned_data.get("evidence_files")
        if files:
            stored = services.attach_evidence(update=obj, files=files, uploader=request.user)
            messages.info(request, ngettext("已上传 %(count)d 个佐证文件。", "已上传 %(count)d 个佐证文件。", len(stored)) % {"count": len(stored)})

    def delete_model(self, request, obj):
        services.delete_updates(updates=[obj], reviewer=request.user)

    def delete_queryset(self, request, queryset):
        services.delete_updates(updates=list(queryset), reviewer=request.user)

    # ---- review: bulk actions and a page per update ------------------------------------------

    @admin.action(description=_("审核通过所选进展填报"), permissions=["review"])
    def approve_selected(self, request, queryset):
        approved = services.approve_updates(updates=list(queryset), reviewer=request.user)
        self.message_user(request, ngettext(
            "已审核通过 %(count)d 条进展填报，相关承诺的状态和进度已更新。",
            "已审核通过 %(count)d 条进展填报，相关承诺的状态和进度已更新。", len(approved)) % {"count": len(approved)},
            messages.SUCCESS)

    @admin.action(description=_("退回所选进展填报（需填写理由）"), permissions=["review"])
    def reject_selected(self, request, queryset):
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            rejected = services.reject_updates(updates=list(queryset), reviewer=request.user,
                                               reason=form.cleaned_data["reason"])
            self.message_user(request, ngettext("已退回 %(count)d 条进展填报。", "已退回 %(count)d 条进展填报。", len(rejected)) % {"count": len(rejected)}, messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("退回进展填报"),
            "updates": queryset.select_related("commitment", "author"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/policies/progressupdate/reject_selected.html", context)

    def get_urls(self):
        return [
            path("<path:object_id>/review/", self.admin_site.admin_view(self.review_view),
                 name="policies_progressupdate_review"),
            *super().get_urls(),
        ]

    def review_view(self, request, object_id):
        if not is_reviewer(request.user):
            raise PermissionDenied
        update = self.get_object(request, object_id)
        form = ReasonForm(request.POST if request.POST.get("decision") == "reject" else None)
        if request.method == "POST":
            decision = request.POST.get("decision")
            try:
                if decision == "approve":
                    services.approve_update(update=update, reviewer=request.user)
                    self.message_user(request, _("已审核通过：%(update)s。") % {"update": update}, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:policies_progressupdate_changelist"))
                if decision == "reject" and form.is_valid():
                    services.reject_update(update=update, reviewer=request.user, reason=form.cleaned_data["reason"])
                    self.message_user(request, _("已退回：%(update)s。") % {"update": update}, messages.WARNING)
                    return HttpResponseRedirect(reverse("admin:policies_progressupdate_changelist"))
            except ValidationError as error:
                form.add_error(None, error)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("审核进展填报"),
            "update": update,
            "original": update,
            "form": form,
        }
        return TemplateResponse(request, "admin/policies/progressupdate/review.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_review": is_reviewer(request.user), "ReviewState": ReviewState}
        return super().change_view(request, object_id, form_url, extra_context)
