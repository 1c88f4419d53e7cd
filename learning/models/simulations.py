"""Runs of a lesson's practice simulation: the server's record of where a learner is.

The server, not the browser, keeps the current screen: a choice is accepted only if
it is offered on the screen the run is at, so a forged form cannot jump to the safe
ending. Each try is its own row, numbered, so "fell for it on the first try" can be
counted per simulation.

The lesson is named by label, not imported: lesson pages read these runs to show
which simulations are done (learning/models/pages.py).
"""

from django.conf import settings
from django.db import models


class SimulationRun(models.Model):
    """One try at one simulation block of a lesson, by one learner."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="simulation_runs",
    )
    # Always the Uzbek lesson, as for other progress: the block ids are the same in
    # its translations.
    lesson = models.ForeignKey(
        "learning.LessonPage",
        on_delete=models.CASCADE,
        related_name="+",
    )
    block_id = models.CharField(max_length=64)
    tries = models.PositiveSmallIntegerField(
        help_text="1 for the learner's first try at this simulation, then 2, 3…",
    )
    path = models.JSONField(
        default=list,
        help_text="The keys of the screens shown, in order, ending with the ending's.",
    )
    current = models.CharField(max_length=40)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    safe = models.BooleanField(
        null=True,
        blank=True,
        help_text="Empty until the run reaches an ending.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id", "tries"],
                name="learning_simulationrun_one_per_try",
            ),
        ]
        indexes = [models.Index(fields=["lesson", "block_id"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.lesson_id} {self.block_id} #{self.tries}"

    @property
    def ended(self) -> bool:
        return self.ended_at is not None
