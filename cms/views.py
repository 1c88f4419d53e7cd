"""Site-wide views: the public search page, the language switch and a health check
for process managers."""

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from wagtail.models import Locale, Page

from accounts.services import user_language_save
from learning.models import CoursePage, LessonPage

from .transliteration import search_query_latin

MAX_QUERY_LENGTH = 200


def search(request):
    """Search published courses and lessons with Wagtail's search backend."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = Page.objects.none()
    if query:
        # Uzbek lessons are written in Latin: a query in Cyrillic script finds them
        # too, and, in Russian, still finds Russian pages as typed. Each language
        # version of a page is a page of its own: search the reader's.
        latin = search_query_latin(query)
        terms = query if latin == query else f"{query} {latin}"
        results = (
            Page.objects.live()
            .public()
            .filter(locale=Locale.get_active())
            .type(CoursePage, LessonPage)
            .specific()
            .search(terms, operator="or")
        )
    paginator = Paginator(results, 10)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    return render(request, "cms/search.html", {"query": query, "results": page})


@require_POST
def language_set(request):
    """Django's set_language (a cookie, then back to the page), which also keeps the
    choice on a signed-in person's account."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_save(user=request.user, language=language)
    return response


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
