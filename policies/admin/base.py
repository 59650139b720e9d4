from django.http import Http404


class NotFoundOutsideScopeMixin:
    """Answer 404 for an object outside the user's scope instead of Django's redirect with a
    message, so that a direct URL to another organization's object reveals nothing about it."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("没有找到该记录，或你无权查看。")
        return obj
