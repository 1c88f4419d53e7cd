"""Site-wide views: the public search page, the language switch, a health check
for process managers, and the offline lessons' service worker and offline page."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language
from wagtail.models import Locale, Page
from wagtail.views import serve as wagtail_serve

from accounts.services import user_language_save
from core.transliteration import search_query_latin
from learning.models import CoursePage, LessonPage

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


SERVICE_WORKER = "js/offline-worker.js"


@require_safe
def service_worker(request):
    """The service worker of lessons saved for offline use, at /sw.js.

    Served here, not from /static/, so that its scope is the whole site (the
    lessons live under /uz/, /ru/, ...) and its address never changes: static
    files get a new hashed name at every change, and a worker's address must stay
    the same for the browser to update it. Never cached: browsers check it again
    at most every 24 hours anyway (docs/offline.md).
    """
    path = finders.find(SERVICE_WORKER)
    if not path:
        raise Http404
    with open(path, "rb") as handle:
        response = HttpResponse(handle.read(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def offline_page(request):
    """What a page that is not saved shows when there is no internet: the service
    worker keeps this page in each language and lists the saved lessons on it."""
    return render(request, "cms/offline.html")


def home_in_reader_language(request):
    """`/`: the home page in the reader's language, answered at once.

    A redirect to /uz/ cost a round trip (about 2 s on 3G) before the first page a
    learner opens. The language is the one LanguageMiddleware chose (the account's,
    the language cookie, the browser's Accept-Language, then Uzbek); the page names
    its own address as canonical, and caches keep one copy per language and cookie.
    """
    response = wagtail_serve(request, "")
    context = getattr(response, "context_data", None)
    page = context.get("page") if context else None
    if page is not None:
        context["canonical_url"] = request.build_absolute_uri(page.get_url(request))
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def help_page(request):
    """Help in plain words for older learners: how to use the site, and how to put
    Ko'mak on the phone's home screen like an app."""
    return render(request, "cms/help.html")
