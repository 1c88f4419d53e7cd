"""Blocks of the learning app: the question bank of a course's final assessment.

A bank question has the same shape as a lesson's practice question (text, options,
which are right, feedback per option), so trainers learn one editor; it is never
rendered by its block template, only by the assessment views, which leave out the
right answers until the attempt is submitted.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from cms.blocks import PracticeQuestionBlock


class AssessmentQuestionBankBlock(blocks.StreamBlock):
    question = PracticeQuestionBlock(label=_("Assessment question"))
