"""Writes for lesson simulations: starting a try and taking one choice.

The server keeps where each run is. A choice is posted as the screen it was made on
and its place among that screen's choices, never as where it leads: so a forged form
can pick only what the current screen offers, and a form sent twice, or to a run
that has ended, changes nothing (`SimulationRefused`).
"""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .events import EventIn
from .models import LessonPage, ProgressEvent, SimulationRun
from .services import progress_events_record
from .simulation_blocks import SimulationGraph


class SimulationRefused(Exception):
    """A post that does not fit the run as the server knows it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def simulation_run_start(
    *, user, lesson: LessonPage, block_id: str, graph: SimulationGraph, after_run_id
) -> SimulationRun:
    """Start a new try. `after_run_id` is the run the learner saw (None for none):
    if a newer try exists already, the post is a stale repeat and is refused.
    """
    with transaction.atomic():
        latest = (
            SimulationRun.objects.select_for_update()
            .filter(user=user, lesson=lesson, block_id=block_id)
            .order_by("-tries")
            .first()
        )
        if (latest.pk if latest else None) != after_run_id:
            raise SimulationRefused(
                _("This page was out of date. Here is where you are now.")
            )
        try:
            with transaction.atomic():
                return SimulationRun.objects.create(
                    user=user,
                    lesson=lesson,
                    block_id=block_id,
                    tries=(latest.tries if latest else 0) + 1,
                    path=[graph.start],
                    current=graph.start,
                )
        except IntegrityError:  # the same try started by a parallel request
            raise SimulationRefused(
                _("This page was out of date. Here is where you are now.")
            ) from None


def simulation_run_choose(
    *,
    user,
    lesson: LessonPage,
    block_id: str,
    graph: SimulationGraph,
    run_id: int | None,
    screen: str,
    choice: int,
) -> SimulationRun:
    """Take choice number `choice` of screen `screen` in the learner's latest run.

    With no run yet (`run_id` None), the first try starts here, from the first
    screen. Reaching a safe ending records progress once per run.
    """
    with transaction.atomic():
        if run_id is None:
            run = simulation_run_start(
                user=user,
                lesson=lesson,
                block_id=block_id,
                graph=graph,
                after_run_id=None,
            )
        else:
            run = (
                SimulationRun.objects.select_for_update()
                .filter(user=user, lesson=lesson, block_id=block_id)
                .order_by("-tries")
                .first()
            )
            if run is None or run.pk != run_id:
                raise SimulationRefused(_("This practice is not yours to continue."))
        if run.ended:
            raise SimulationRefused(
                _("This try has ended. Press “Try again” to play it once more.")
            )
        offered = graph.screens.get(run.current)
        if offered is None or screen != run.current:
            raise SimulationRefused(
                _("This page was out of date. Here is where you are now.")
            )
        if not 0 <= choice < len(offered.choices):
            raise SimulationRefused(_("This choice is not on the screen."))
        target = offered.choices[choice].next
        if target not in graph.screens and target not in graph.endings:
            # The lesson was edited badly since; the block's checks prevent this.
            raise SimulationRefused(_("This practice is being changed. Try later."))
        run.path = [*run.path, target]
        run.current = target
        ending = graph.endings.get(target)
        if ending is not None:
            run.ended_at = timezone.now()
            run.safe = ending.safe
        run.save(update_fields=["path", "current", "ended_at", "safe"])
        if ending is not None and ending.safe:
            _progress_record(user=user, lesson=lesson, run=run)
    return run


def _progress_record(*, user, lesson: LessonPage, run: SimulationRun) -> None:
    """A "practised safely" progress event, its id made from the run's, so that it
    is stored once however often this is called for the run."""
    name = f"komak:simulation-run:{run.pk}"
    event = EventIn(
        event_id=uuid.uuid5(uuid.NAMESPACE_URL, name),
        lesson_id=lesson.pk,
        visit_id=uuid.uuid5(uuid.NAMESPACE_URL, name + ":visit"),
        kind=ProgressEvent.Kind.SIMULATION,
        occurred_at=run.ended_at,
        question_id=run.block_id,
    )
    progress_events_record(user=user, events=[event], lessons={lesson.pk: lesson})
