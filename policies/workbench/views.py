"""The workbench page and its small POST actions; each action redirects back to the page."""

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_POST, require_safe

from .. import reminders, reports, services
from ..ids import parse_id
from ..roles import is_reviewer, reporter_organization_id, visible_commitments
from . import selectors


@staff_member_required
def index(request):
    today = timezone.localdate()
    context = {"today": today, "row_limit": selectors.ROW_LIMIT}
    if is_reviewer(request.user):
        context.update(role="reviewer", **selectors.reviewer_board(request.user, today=today))
    elif reporter_organization_id(request.user):
        context.update(role="reporter", organization=request.user.reporter.organization,
                       **selectors.reporter_board(request.user, today=today))
    else:
        context["role"] = None
    return render(request, "workbench/index.html", context)


def login(request):
    """The admin's login, landing on the workbench unless the visitor asked for another page.

    The admin sends anyone who opens /admin/ to its login with next=/admin/; that is the default,
    not a choice, so it lands on the workbench too (the admin is one link away in its header).
    """
    asked = request.GET.get("next") or request.POST.get("next")
    if not asked or asked == reverse("admin:index"):
        return admin.site.login(request, extra_context={"next": reverse("workbench:index")})
    return admin.site.login(request)


def _back(anchor=""):
    return HttpResponseRedirect(reverse("workbench:index") + (f"#{anchor}" if anchor else ""))


def _require_reviewer(request):
    if not is_reviewer(request.user):
        raise PermissionDenied(_("只有督查员可以进行此操作。"))


def _error_text(error):
    return _("；").join(error.messages)


def _ids(values):
    return [pk for pk in map(parse_id, values) if pk is not None]


@require_POST
@staff_member_required
def review(request):
    """Approve or reject the ticked updates (one button per row posts just that row)."""
    _require_reviewer(request)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("未知的审核操作。"))
        return _back("pending")
    updates = selectors.pending_for_review(request.user, _ids(request.POST.getlist("update")))
    if not updates:
        messages.error(request, _("没有可审核的填报：请先勾选；已被审核的填报不再列出。"))
        return _back("pending")
    try:
        if decision == "approve":
            done = services.approve_updates(updates=updates, reviewer=request.user)
            messages.success(request, ngettext(
                "已审核通过 %(count)d 条进展填报，相关承诺的状态和进度已更新。",
                "已审核通过 %(count)d 条进展填报，相关承诺的状态和进度已更新。", len(done)) % {"count": len(done)})
        else:
            done = services.reject_updates(updates=updates, reviewer=request.user, reason=request.POST.get("reason", ""))
            messages.warning(request, ngettext(
                "已退回 %(count)d 条进展填报，填报人会在工作台看到退回理由。",
                "已退回 %(count)d 条进展填报，填报人会在工作台看到退回理由。", len(done)) % {"count": len(done)})
    except ValidationError as error:
        failed = _("未能通过：%(error)s") if decision == "approve" else _("未能退回：%(error)s")
        messages.error(request, failed % {"error": _error_text(error)})
    return _back("pending")


def _get_commitment_for_user(user, pk):
    commitment = visible_commitments(user).filter(pk=pk).first()
    if commitment is None:
        raise Http404(_("没有找到该承诺事项，或你无权查看。"))
    return commitment


@require_POST
@staff_member_required
def close(request, pk):
    _require_reviewer(request)
    commitment = _get_commitment_for_user(request.user, pk)
    try:
        services.close_commitment(commitment=commitment, reviewer=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, _("未能销号：%(error)s") % {"error": _error_text(error)})
    else:
        messages.success(request, _("已销号：%(summary)s。它仍在公开页面上，连同全部记录。") % {"summary": commitment.summary})
    return _back("to-close")


@require_POST
@staff_member_required
def chase(request, pk):
    _require_reviewer(request)
    commitment = _get_commitment_for_user(request.user, pk)
    try:
        sent = reminders.chase_commitment(commitment=commitment, sender=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, _("未能催办：%(error)s") % {"error": _error_text(error)})
    else:
        names = _("、").join(reminder.recipient.get_username() for reminder in sent)
        messages.success(request, _("已向 %(names)s 发送催办：%(summary)s。") % {"names": names, "summary": commitment.summary})
    return _back("attention")


@require_safe
@staff_member_required
def monthly_report(request):
    """The monthly report of ?conference= for ?month=YYYY-MM as ?format=xlsx|pdf (reviewers)."""
    _require_reviewer(request)
    fmt = request.GET.get("format", "xlsx")
    try:
        if fmt not in reports.FORMATS:
            raise ValidationError(_("格式只能是 xlsx 或 pdf。"))
        report = reports.monthly_report(conference=reports.find_conference(request.GET.get("conference")),
                                        month=reports.parse_month(request.GET.get("month")))
    except ValidationError as error:
        messages.error(request, _("未能生成月报：%(error)s") % {"error": _error_text(error)})
        return _back("monthly-report")
    response = HttpResponse(reports.render(report, fmt), content_type=reports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{reports.file_name(report, fmt)}"'
    return response
