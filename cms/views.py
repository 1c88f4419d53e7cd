"""Site-wide views: the public search page and a health check for process managers."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpResponse
from django.shortcuts import render
from wagtail.models import Page

from learning.models import CoursePage, LessonPage

MAX_QUERY_LENGTH = 200


def search(request):
    """Search published courses and lessons with Wagtail's search backend."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = Page.objects.none()
    if query:
        results = (
            Page.objects.live()
            .public()
            .type(CoursePage, LessonPage)
            .specific()
            .search(query, operator="or")
        )
    paginator = Paginator(results, 10)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    return render(request, "cms/search.html", {"query": query, "results": page})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
