"""Training programs for social workers, the cohorts trainers enrol, and enrolments.

A program is a Wagtail snippet with drafts and revisions, so a trainer prepares it and
publishes it when it is ready; its courses are an ordered inline list that also holds
the pass mark of each course's final assessment *in this program*, because the same
course may serve a basic and a demanding program.

A program is *run* by its trainers and by the person who created it: they, and
coordinators, see the people in its cohorts (`program_selectors`, "Who sees whom").
"""

from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.models import DraftStateMixin, Orderable, RevisionMixin
from wagtail.search import index

from accounts.regions import Region
from accounts.roles import TRAINER


class Program(DraftStateMixin, RevisionMixin, index.Indexed, ClusterableModel):
    """An ordered set of courses that earns continuing professional development
    (CPD) hours when every course is done and every assessment passed."""

    title = models.CharField(
        verbose_name=_("title"),
        max_length=200,
    )
    slug = models.SlugField(
        verbose_name=_("short address"),
        max_length=80,
        unique=True,
        help_text=_("Used in the program's web address, for example digital-basics."),
    )
    summary = models.TextField(
        verbose_name=_("summary"),
        help_text=_("Two or three plain sentences: who the program is for and why."),
    )
    cpd_hours = models.DecimalField(
        verbose_name=_("CPD hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0.5)],
        help_text=_("Continuing professional development hours earned on completion."),
    )
    enrolment_opens = models.DateField(
        verbose_name=_("enrolment opens"),
    )
    enrolment_closes = models.DateField(
        verbose_name=_("enrolment closes"),
    )
    deadline = models.DateField(
        verbose_name=_("deadline"),
        help_text=_("The day by which enrolled social workers should finish."),
    )
    # Who runs the program: they see the people in its cohorts and nobody else's.
    # A ParentalManyToManyField so that the list is kept in drafts and revisions too.
    trainers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainers"),
        blank=True,
        related_name="programs_run",
        limit_choices_to=models.Q(groups__name=TRAINER),
        help_text=_(
            "The trainers who run this program see the people in its cohorts, as "
            "does the person who created it. On a published program, a change here "
            "counts once it is published."
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Wagtail's documented way for a snippet to find its revisions by content type.
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="program")

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        FieldPanel("cpd_hours"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("enrolment_opens"), FieldPanel("enrolment_closes")]
                ),
                FieldPanel("deadline"),
            ],
            heading=_("Dates"),
        ),
        FieldPanel("trainers", widget=forms.CheckboxSelectMultiple),
        InlinePanel(
            "program_courses",
            heading=_("Courses, in order"),
            label=_("Course"),
            min_num=1,
        ),
    ]
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
    ]

    class Meta:
        verbose_name = _("training program")
        verbose_name_plural = _("training programs")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enrolment_closes__gte=models.F("enrolment_opens")),
                name="learning_program_enrolment_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("enrolment_opens")),
                name="learning_program_deadline_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(cpd_hours__gt=0),
                name="learning_program_cpd_hours_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        errors = {}
        if (
            self.enrolment_opens
            and self.enrolment_closes
            and self.enrolment_closes < self.enrolment_opens
        ):
            errors["enrolment_closes"] = _("Enrolment must close after it opens.")
        if (
            self.enrolment_opens
            and self.deadline
            and self.deadline < self.enrolment_opens
        ):
            errors["deadline"] = _("The deadline must come after enrolment opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def revisions(self):
        return self._revisions

    def enrolment_open_on(self, day) -> bool:
        return self.enrolment_opens <= day <= self.enrolment_closes


class ProgramCourse(Orderable):
    """One course of a program, with the pass mark its final assessment needs here."""

    program = ParentalKey(
        Program,
        on_delete=models.CASCADE,
        related_name="program_courses",
    )
    course = models.ForeignKey(
        "learning.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    pass_mark_percent = models.PositiveSmallIntegerField(
        verbose_name=_("pass mark (%)"),
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The share of right answers needed to pass the final assessment."),
    )

    panels = [
        PageChooserPanel("course", page_type="learning.CoursePage"),
        FieldPanel("pass_mark_percent"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("program course")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "course"],
                name="learning_programcourse_once_per_program",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    pass_mark_percent__gte=1, pass_mark_percent__lte=100
                ),
                name="learning_programcourse_pass_mark_percent",
            ),
        ]

    def clean(self):
        # Progress, assessments and certificates are kept on the Uzbek course, so
        # that they follow a learner from one language to another.
        course = getattr(self, "course", None)
        if course is not None and course.locale.language_code != settings.LANGUAGE_CODE:
            raise ValidationError(
                {
                    "course": _(
                        "Choose the course in Uzbek. A learner takes it in any "
                        "language, and the progress counts the same."
                    )
                }
            )

    def __str__(self) -> str:
        return f"{self.program_id}: {self.course_id}"


class Cohort(models.Model):
    """A group of social workers a trainer enrols together, by region or organisation,
    so that reports can compare groups and reminders reach them together."""

    name = models.CharField(
        verbose_name=_("name"),
        max_length=200,
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("training program"),
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    region = models.CharField(
        verbose_name=_("region"),
        max_length=20,
        choices=Region.choices,
        blank=True,
    )
    organisation = models.CharField(
        verbose_name=_("organisation"),
        max_length=200,
        blank=True,
        help_text=_("For example the district social protection office."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("program"),
        FieldPanel("region"),
        FieldPanel("organisation"),
    ]

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """A social worker's place in a program. `completed_at` is set once, when every
    course is done and every assessment passed; the certificate follows from it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("social worker"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("training program"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    enrolled_at = models.DateTimeField(
        verbose_name=_("enrolled"),
        default=timezone.now,
    )
    completed_at = models.DateTimeField(
        verbose_name=_("completed"),
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        permissions = [
            ("view_training_reports", "Can see the training reports"),
            (
                "view_all_training_records",
                "Can see every social worker's training records",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program"],
                name="learning_enrolment_once_per_program",
            ),
        ]
        indexes = [models.Index(fields=["program", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.program}"

    @property
    def completed(self) -> bool:
        return self.completed_at is not None

    def overdue_on(self, day) -> bool:
        return self.completed_at is None and day > self.program.deadline

    @property
    def status_label(self) -> str:
        """Completed, overdue or in progress, today in Tashkent (for reports)."""
        if self.completed_at is not None:
            return str(_("Completed"))
        if self.overdue_on(timezone.localdate()):
            return str(_("Overdue"))
        return str(_("In progress"))

    @property
    def cohort_name(self) -> str:
        return self.cohort.name if self.cohort_id else ""

    @property
    def region_label(self) -> str:
        return self.user.get_region_display()
