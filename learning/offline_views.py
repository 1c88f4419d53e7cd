"""The "Saved lessons" page: what this phone keeps for use without internet.

The server cannot know what a phone has saved (Cache Storage lives on the phone), so
the page is the same for everyone and its list is filled in by
static/js/offline-list.js. Without JavaScript it says that saving needs a newer
browser. The service worker keeps a copy of it in each language (docs/offline.md).
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def saved_lessons(request):
    return render(request, "learning/saved_lessons.html")
