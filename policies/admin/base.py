import datetime

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = _("（空）")


class TranslatedChoicesFieldListFilter(admin.ChoicesFieldListFilter):
    """A list filter on a field with choices, its labels in the interface's language.

    The vocabulary's labels are stored Chinese (``policies.choices``: the ledger and exports read them
    back), so Django shows them as they are; this translates them where they are shown.
    """

    def choices(self, changelist):
        for choice in super().choices(changelist):
            yield {**choice, "display": gettext(str(choice["display"]))}


admin.FieldListFilter.register(lambda field: bool(field.choices), TranslatedChoicesFieldListFilter, take_priority=True)


def translated_title(label):
    """A FilterSet label as an admin filter's title, in the language of the page it is shown on."""
    return lazy(lambda: gettext(str(label)), str)()


def translated_lookups(choices):
    """A SimpleListFilter's (value, label) pairs with their labels translated."""
    return [(value, gettext(str(label))) for value, label in choices]


def _choice_column(field):
    def column(obj):
        return gettext(getattr(obj, f"get_{field.name}_display")())

    column.__name__ = field.name  # the cells keep their CSS class, field-<name>
    return admin.display(description=field.verbose_name, ordering=field.name)(column)


def choice_label(model, name):
    """A read-only field showing ``model.name``'s choice label in the interface's language (Django's own
    read-only display shows the stored Chinese label): list ``<name>_label = choice_label(...)``'s name
    in ``fields``/``readonly_fields`` instead of ``name``."""
    field = model._meta.get_field(name)

    def label(self, obj):
        return gettext(getattr(obj, f"get_{name}_display")())

    return admin.display(description=field.verbose_name, ordering=name)(label)


class TranslatedChoicesMixin:
    """Choice labels in the interface's language in the list's columns and the forms' selects (see
    TranslatedChoicesFieldListFilter); read-only fields name a display method of their own instead."""

    def get_list_display(self, request):
        fields = {field.name: field for field in self.model._meta.get_fields() if getattr(field, "choices", None)}
        return tuple(
            _choice_column(fields[name]) if isinstance(name, str) and name in fields else name
            for name in super().get_list_display(request)
        )

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        formfield = super().formfield_for_choice_field(db_field, request, **kwargs)
        formfield.choices = [(value, _(label)) for value, label in formfield.choices]
        return formfield


# Django's own message, translated by Django's catalogue (a variable, so that makemessages leaves it there).
_DJANGO_SELECT_LABEL = "Select this object for an action - {}"


class QuickActionCheckboxMixin:
    """The changelist's row checkbox written with format_html: Django renders a CheckboxInput widget through the
    form templates for each row, a third of the rendering of a page of fifty commitments. The same markup."""

    def action_checkbox(self, obj):
        label = format_html(gettext(_DJANGO_SELECT_LABEL), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME, str(obj.pk), label,
        )


class NotFoundOutsideScopeMixin:
    """Answer 404 for an object outside the user's scope instead of Django's redirect with a
    message, so that a direct URL to another organization's object reveals nothing about it."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("没有找到该记录，或你无权查看。"))
        return obj


class ReadableChanges(HistoricalRecordContextHelper):
    """History deltas as a person reads them: choice labels, user names, "（空）" for nothing,
    instead of stored values ("submitted → approved", "None", "Deleted 用户 (pk=None)")."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(value, DeletedObject):
            return EMPTY if value.pk is None else _("已删除的%(model)s（编号 %(pk)s）") % {"model": value.model._meta.verbose_name, "pk": value.pk}
        if value is None or value == "":
            return EMPTY
        if field.choices:
            return gettext(str(dict(field.flatchoices).get(value, value)))
        if isinstance(value, datetime.datetime):
            return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m-%d}"
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if hasattr(value, "get_username"):
            return value.get_full_name() or value.get_username()
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose "revert to this version" form obeys the change permission.

    simple-history shows the old-version form to anyone who may view the object and saves
    whatever is posted to it; without this check a read-only user could edit through it.
    """

    object_history_list_template = "admin/history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_history_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class DerivedDataAdminMixin:
    """Every save and delete path of the admin calls ``derived_data_changed`` itself.

    Each ModelAdmin says in that one method which derived data (search index, the suggestions' word counts,
    cached pages: ``policies.invalidation``) its rows feed; nothing else, and no model signal, does
    it. Called before a delete, while the rows it may look up still exist; the work itself runs
    after the commit. simple-history's "revert" saves through ``save_model`` too.
    """

    def derived_data_changed(self, objs):
        raise NotImplementedError

    def related_data_changed(self, obj):
        """Rows saved by the page's inlines or many-to-many fields; a ModelAdmin that has some says
        what they feed. Not ``derived_data_changed`` again: that already ran for ``obj`` in save_model."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.derived_data_changed([obj])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.related_data_changed(form.instance)

    def delete_model(self, request, obj):
        self.derived_data_changed([obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self.derived_data_changed(list(queryset))
        super().delete_queryset(request, queryset)


class ReadOnlyInline(admin.TabularInline):
    """A list of related rows shown on the parent's page and written elsewhere (their own pages, a service)."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
