"""Reads for lesson simulations: the block's graph and a learner's latest run."""

from cms.simulation_blocks import SimulationGraph, simulation_graph

from .models import LessonPage, SimulationRun


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


def simulation_blocks_done(*, user, lesson: LessonPage) -> set[str]:
    """Ids of the simulation blocks of a lesson the learner has ended safely."""
    if not user.is_authenticated:
        return set()
    return set(
        SimulationRun.objects.filter(user=user, lesson=lesson, safe=True)
        .values_list("block_id", flat=True)
        .distinct()
    )
