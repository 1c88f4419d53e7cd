"""The simulation player: one screen of a pretend phone per page, plain forms.

Works with JavaScript off: each screen is a form that posts a choice; the server
takes it (learning/simulation_services.py) and redirects to the next screen. Playing
needs an account, because the server keeps each try to know where the learner is
and to count it as progress; a visitor is asked to sign in, with a way back here.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import LessonPage
from .simulation_selectors import simulation_graph_get, simulation_run_latest
from .simulation_services import (
    SimulationRefused,
    simulation_run_choose,
    simulation_run_start,
)

SCREEN_ANCHOR = "#simulation-screen"


def _posted_int(request, name: str) -> int | None:
    value = request.POST.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 10 else None


def simulation_play(request, lesson_id: int, block_id: str):
    """Show where the learner is in a simulation (GET) or take their choice (POST)."""
    lesson = LessonPage.objects.live().public().filter(pk=lesson_id).first()
    graph = simulation_graph_get(lesson=lesson, block_id=block_id) if lesson else None
    if graph is None:
        raise Http404
    here = reverse("learning_simulation", args=[lesson_id, block_id])
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(here)
        return render(
            request,
            "learning/simulation_play.html",
            {"page": lesson, "graph": graph, "needs_account": True, "here": here},
        )
    source = lesson.source_page()
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        run_id = _posted_int(request, "run")
        try:
            if action == "restart":
                simulation_run_start(
                    user=request.user,
                    lesson=source,
                    block_id=block_id,
                    graph=graph,
                    after_run_id=run_id,
                )
            elif action == "choose" and _posted_int(request, "choice") is not None:
                simulation_run_choose(
                    user=request.user,
                    lesson=source,
                    block_id=block_id,
                    graph=graph,
                    run_id=run_id,
                    screen=request.POST.get("screen", ""),
                    choice=_posted_int(request, "choice"),
                )
            else:
                raise SimulationRefused(
                    _("This form was not understood. Please try again.")
                )
        except SimulationRefused as refused:
            error = refused.message
        else:
            return HttpResponseRedirect(here + SCREEN_ANCHOR, status=303)
    run = simulation_run_latest(user=request.user, lesson=source, block_id=block_id)
    context = {"page": lesson, "graph": graph, "run": run, "error": error}
    context["here"] = here
    if run is not None and run.ended:
        context["ending"] = graph.endings.get(run.current)
    else:
        key = run.current if run is not None else graph.start
        context["screen"] = graph.screens.get(key)
    return render(
        request,
        "learning/simulation_play.html",
        context,
        status=400 if error else 200,
    )
