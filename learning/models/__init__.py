"""Models of the learning app, one submodule per subject, re-exported here.

- `pages`: the course list, course and lesson pages, and what they read to render;
- `progress`: progress events and their summaries;
- `programs`: training programs for social workers, cohorts and enrolments;
- `assessments`: attempts at a course's final assessment;
- `certificates`: certificates, their revocation and deadline reminders;
- `help`: help with a lesson recorded by a social worker;
- `simulations`: a learner's runs through a lesson's practice simulation.
"""

from .assessments import AssessmentAttempt
from .certificates import Certificate, DeadlineReminder
from .help import HelpMode, LessonHelp
from .pages import (
    Audience,
    CourseIndexPage,
    CoursePage,
    DirectChildRouteMixin,
    LessonPage,
    Level,
)
from .programs import Cohort, Enrolment, Program, ProgramCourse
from .progress import LessonProgress, LessonVisit, PracticeAnswer, ProgressEvent
from .simulations import SimulationRun

__all__ = [
    "AssessmentAttempt",
    "Audience",
    "Certificate",
    "Cohort",
    "CourseIndexPage",
    "CoursePage",
    "DeadlineReminder",
    "DirectChildRouteMixin",
    "Enrolment",
    "HelpMode",
    "LessonHelp",
    "LessonPage",
    "LessonProgress",
    "LessonVisit",
    "Level",
    "PracticeAnswer",
    "Program",
    "ProgramCourse",
    "ProgressEvent",
    "SimulationRun",
]
