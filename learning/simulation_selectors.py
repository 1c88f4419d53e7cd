"""Reads for lesson simulations: the block's graph, a learner's runs, and the
trainers' report of how learners fare."""

from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import get_language
from wagtail.coreutils import get_supported_content_language_variant

from core.languages import locale_id_of
from core.suppression import suppress_small_groups

from .models import LessonPage, SimulationRun
from .simulation_blocks import SimulationGraph, simulation_graph


def simulation_graph_get(
    *, lesson: LessonPage, block_id: str
) -> SimulationGraph | None:
    """The graph of the simulation block `block_id` of this lesson, if it has one."""
    for block in lesson.body:
        if block.block_type == "simulation" and block.id == block_id:
            return simulation_graph(block.value)
    return None


def simulation_run_latest(*, user, lesson: LessonPage, block_id: str):
    """The learner's latest try at a simulation (`lesson` is the Uzbek lesson)."""
    if not user.is_authenticated:
        return None
    return (
        SimulationRun.objects.filter(user=user, lesson=lesson, block_id=block_id)
        .order_by("-tries")
        .first()
    )


@dataclass(frozen=True)
class LearnerSimulation:
    """One simulation a learner has tried, for her "My learning" page."""

    lesson: LessonPage
    block_id: str
    title: str
    tries: int
    done_safely: bool

    @property
    def url(self) -> str:
        return reverse("learning_simulation", args=[self.lesson.pk, self.block_id])


def learner_simulations(*, user) -> list[LearnerSimulation]:
    """The simulations the learner has tried, most recently started first, each
    shown in the reader's language where its lesson is translated (the runs are kept
    on the Uzbek lesson, whose block ids its translations share)."""
    if not user.is_authenticated:
        return []
    rows = list(
        SimulationRun.objects.filter(user=user)
        .values("lesson_id", "block_id")
        .annotate(
            tries=Max("tries"),
            safe_runs=Count("pk", filter=Q(safe=True)),
            last=Max("started_at"),
        )
        .order_by("-last")
    )
    if not rows:
        return []
    lessons = {
        lesson.pk: lesson
        for lesson in LessonPage.objects.live()
        .public()
        .filter(pk__in={row["lesson_id"] for row in rows})
    }
    shown_by_key = {
        page.translation_key: page
        for page in LessonPage.objects.live().filter(
            locale_id=locale_id_of(
                get_supported_content_language_variant(get_language())
            ),
            translation_key__in=[lesson.translation_key for lesson in lessons.values()],
        )
    }
    result = []
    for row in rows:
        lesson = lessons.get(row["lesson_id"])
        if lesson is None:  # unpublished since: nothing to go back to
            continue
        shown = shown_by_key.get(lesson.translation_key, lesson)
        graph = simulation_graph_get(lesson=shown, block_id=row["block_id"])
        if graph is None:  # the trainer removed the practice
            continue
        result.append(
            LearnerSimulation(
                lesson=shown,
                block_id=row["block_id"],
                title=graph.title,
                tries=row["tries"],
                done_safely=row["safe_runs"] > 0,
            )
        )
    return result


@dataclass(frozen=True)
class SimulationReportRow:
    """Figures about one simulation, or the sum of them all (`lesson` None).

    Each figure counts distinct people and is None where it is hidden because it is
    about fewer than `SUPPRESSION_THRESHOLD` of them, or would reveal such a figure.
    """

    lesson: LessonPage | None
    title: str
    tried: int | None
    fell_first: int | None
    safe: int | None


SUPPRESSION_THRESHOLD = 5


def simulation_report_rows() -> list[SimulationReportRow]:
    """Per simulation: how many learners tried it, how many reached an unsafe ending
    on their first try, how many ended safely at least once; then the column sums.

    The figures are about lessons and name nobody, so every trainer with the reports
    permission sees every simulation (as the needs analytics do), not only her
    programs' learners; instead no figure about fewer than five people is shown,
    with `suppress_small_groups` hiding too whatever the sums row would give away.
    """
    counts = list(
        SimulationRun.objects.values("lesson_id", "block_id")
        .annotate(
            tried=Count("user", distinct=True),
            fell_first=Count("user", filter=Q(tries=1, safe=False), distinct=True),
            safe_count=Count("user", filter=Q(safe=True), distinct=True),
        )
        .order_by("lesson_id", "block_id")
    )
    lessons = LessonPage.objects.in_bulk({row["lesson_id"] for row in counts})
    named = []
    for row in counts:
        lesson = lessons[row["lesson_id"]]
        graph = simulation_graph_get(lesson=lesson, block_id=row["block_id"])
        title = graph.title if graph is not None else row["block_id"]
        named.append((lesson, title, row))
    named.sort(key=lambda item: (item[0].title, item[1]))
    grid = [[row["tried"], row["fell_first"], row["safe_count"]] for *_, row in named]
    grid.append([sum(column) for column in zip(*grid, strict=True)] or [0, 0, 0])
    shown = suppress_small_groups(
        grid, threshold=SUPPRESSION_THRESHOLD, row_totals=False, column_totals=True
    )
    rows = [
        SimulationReportRow(lesson, title, *figures)
        for (lesson, title, _row), figures in zip(named, shown, strict=False)
    ]
    rows.append(SimulationReportRow(None, "", *shown[-1]))
    return rows
