from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class NotFoundOutsideScopeMixin:
    """Answer 404 for an object outside the user's scope instead of Django's redirect with a
    message, so that a direct URL to another organization's object reveals nothing about it."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("没有找到该记录，或你无权查看。")
        return obj


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose "revert to this version" form obeys the change permission.

    simple-history shows the old-version form to anyone who may view the object and saves
    whatever is posted to it; without this check a read-only user could edit through it.
    """

    object_history_list_template = "admin/history_list.html"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_history_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
