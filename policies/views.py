"""Public pages."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .cache import cache_public_page
from .models import Commitment, KeyTask, Source
from .querysets import group_by_task


@require_GET
def healthz(request):
    """Liveness: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


@cache_public_page
@require_GET
def home(request):
    tasks = list(KeyTask.objects.tree())
    commitments = Commitment.objects.for_listing().with_light()
    return render(request, "policies/home.html", {"sections": group_by_task(tasks, commitments)})


@cache_public_page
@require_GET
def commitment_detail(request, pk):
    commitment = get_object_or_404(Commitment.objects.for_listing().with_light(), pk=pk)
    updates = commitment.updates.for_timeline()
    return render(request, "policies/commitment_detail.html", {"commitment": commitment, "updates": updates})


@cache_public_page
@require_GET
def source_detail(request, slug):
    source = get_object_or_404(Source.objects.select_related("conference"), slug=slug)
    return render(request, "policies/source_detail.html", {"source": source})
