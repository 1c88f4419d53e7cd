"""Site pages that are not courses: the home page and plain information pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import GenericStreamBlock


class HomePage(Page):
    """The front door: two big choices, "Learn" and "Talk to a specialist".

    A signed-in learner also sees a "Continue where you stopped" card, because the
    most common visit of an older learner is to go on with yesterday's lesson.
    """

    intro = models.TextField(
        verbose_name=_("introduction"),
        blank=True,
        help_text=_("One or two plain sentences under the title."),
    )
    learn_text = models.CharField(
        verbose_name=_('text under "Learn"'),
        max_length=250,
        blank=True,
    )
    talk_text = models.CharField(
        verbose_name=_('text under "Talk to a specialist"'),
        max_length=250,
        blank=True,
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("learn_text"),
        FieldPanel("talk_text"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["learning.CourseIndexPage", "cms.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from learning.selectors import course_index_get, learner_continue_get

        context = super().get_context(request, *args, **kwargs)
        context["course_index"] = course_index_get()
        if request.user.is_authenticated:
            context["continue_item"] = learner_continue_get(user=request.user)
        return context


class StandardPage(Page):
    """A plain information page: about Ko'mak, privacy, help by phone."""

    body = StreamField(
        GenericStreamBlock(),
        verbose_name=_("body"),
        blank=True,
    )

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("information page")
