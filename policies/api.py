"""The read-only JSON API: conferences, commitments, the key-task tree, organizations, officials."""

from django.core.paginator import Paginator
from django.urls import include, path
from django.utils.decorators import method_decorator
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import pagination, routers, serializers, viewsets

from . import openapi  # noqa: F401  (registers the bilingual filter descriptions)

from .cache import cache_public_page
from .filters import CommitmentFilter, KeyTaskFilter, OfficialFilter, OrganizationFilter
from .models import Commitment, Conference, KeyTask, Official, Organization


class Pagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class KnownCountPagination(Pagination):
    """Told how many rows there are when the view knows without counting them (``known_count``)."""

    known_count = None

    def django_paginator_class(self, object_list, per_page):
        paginator = Paginator(object_list, per_page)
        if self.known_count is not None:
            paginator.count = self.known_count  # a cached_property: set, it is not counted
        return paginator


class KeptFilterBackend(DjangoFilterBackend):
    """django-filter's backend, which leaves the FilterSet it made on the view (``view.filterset``)."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


class ConferenceSerializer(serializers.ModelSerializer):
    """A conference with its counts: commitments, and how many of them have any approved report."""

    commitments = serializers.IntegerField(source="n_commitments")
    reported = serializers.IntegerField(source="n_reported")

    class Meta:
        model = Conference
        fields = ["id", "slug", "name", "city", "held_on", "plan_year", "commitments", "reported"]


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind"]


class OfficialSerializer(serializers.ModelSerializer):
    organization = OrganizationSerializer()

    class Meta:
        model = Official
        fields = ["id", "name", "title", "organization"]


class OfficialBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Official
        fields = ["id", "name", "title"]


SPAN_SCHEMA = {
    "type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2,
    "description": "[起始, 结束)：在来源去掉换行后的全文中的字符位置 / [start, end) character offsets in the source's flat text",
}
PARENT_SCHEMA = {
    "type": "object", "nullable": True,
    "properties": {"id": {"type": "integer"}, "code": {"type": "string"}, "title": {"type": "string"}},
}


class LinkedTaskSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()

    class Meta:
        model = KeyTask
        fields = ["id", "code", "title", "parent"]

    @extend_schema_field(PARENT_SCHEMA)
    def get_parent(self, task):
        return {"id": task.parent.id, "code": task.parent.code, "title": task.parent.title} if task.parent else None


class SubTaskSerializer(serializers.ModelSerializer):
    conference = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = KeyTask
        fields = ["id", "conference", "code", "order", "title", "description", "origin", "span"]

    span = serializers.SerializerMethodField()

    @extend_schema_field(SPAN_SCHEMA)
    def get_span(self, task):
        return [task.span_start, task.span_end]


class TaskTreeSerializer(SubTaskSerializer):
    children = SubTaskSerializer(many=True)

    class Meta(SubTaskSerializer.Meta):
        fields = [*SubTaskSerializer.Meta.fields, "children"]


class CommitmentSerializer(serializers.ModelSerializer):
    official = OfficialBriefSerializer(source="statement.official")
    organization = OrganizationSerializer()
    tasks = LinkedTaskSerializer(many=True, source="linked_tasks")  # CommitmentQuerySet.for_api
    span = serializers.SerializerMethodField()
    source = serializers.SlugRelatedField(source="statement.source", slug_field="slug", read_only=True)
    conference = serializers.SlugRelatedField(source="statement.source.conference", slug_field="slug", read_only=True)
    status_display = serializers.CharField(source="get_status_display")
    light = serializers.CharField()
    has_approved_report = serializers.BooleanField(read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id", "summary", "quote", "conference", "source", "span", "official", "organization", "tasks",
            "status", "status_display", "has_approved_report", "percent", "light", "due_date", "due_basis",
            "last_update_on",
        ]

    @extend_schema_field(SPAN_SCHEMA)
    def get_span(self, commitment):
        return [commitment.span_start, commitment.span_end]


@method_decorator(cache_public_page(negotiated=True), name="dispatch")
class CommitmentViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = KnownCountPagination
    serializer_class = CommitmentSerializer
    filter_backends = [KeptFilterBackend]
    filterset_class = CommitmentFilter
    filterset = None

    def get_queryset(self):
        commitments = Commitment.objects.order_by("statement__span_start", "number", "id")
        # The list's FilterSet narrows, counts and sorts, and only the page's ids are read: the rows' joins,
        # tasks and lights come with the page (paginate_queryset). Building the light there cost 1 ms.
        return commitments if self.action == "list" else self._rows(commitments)

    @staticmethod
    def _rows(commitments):
        return commitments.for_api().with_light(per_row=True)

    def paginate_queryset(self, queryset):
        """The page's ids by the filtered, sorted query selecting nothing else, then those rows with their
        joins, tasks and lights, as the public list does: in one query the database computed every match's
        light and joins before sorting (30 ms for the first page of all 100,000 on SQLite; 3 ms in two).
        The count, as on the list, from what the FilterSet knows without counting (summary rows, the index)."""
        if self.filterset is not None:
            self.paginator.known_count = self.filterset.known_count()
        ids = super().paginate_queryset(queryset.values_list("pk", flat=True))
        if ids is None:
            return None
        return self._rows(Commitment.objects.all()).in_order_of(ids)


class ConferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Every conference, oldest first, with its counts (one query)."""

    serializer_class = ConferenceSerializer
    pagination_class = None
    queryset = Conference.objects.with_counts().order_by("held_on", "id")


@method_decorator(cache_public_page(negotiated=True), name="dispatch")
class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """The whole key-task tree: top-level tasks, each with its sub-items (``conference``: one conference's)."""

    serializer_class = TaskTreeSerializer
    pagination_class = None
    filterset_class = KeyTaskFilter

    def get_queryset(self):
        return KeyTask.objects.tree().order_by("conference__held_on", "order", "pk")


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    queryset = Organization.objects.order_by("kind", "name", "id")


class OfficialViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination
    serializer_class = OfficialSerializer
    filterset_class = OfficialFilter
    queryset = Official.objects.select_related("organization").order_by("organization__kind", "name", "id")


router = routers.DefaultRouter()
router.register("conferences", ConferenceViewSet, basename="conference")
router.register("commitments", CommitmentViewSet, basename="commitment")
router.register("tasks", TaskViewSet, basename="task")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("officials", OfficialViewSet, basename="official")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
