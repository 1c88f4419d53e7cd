"""StreamField blocks of the information pages (`cms.StandardPage`).

Lesson blocks live in `learning.blocks`; an information page reuses their text
features and tip block, so a tip looks the same in a lesson and on the help page.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from learning.blocks import RICH_TEXT_FEATURES, CalloutBlock


class GenericStreamBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Text"),
        features=RICH_TEXT_FEATURES,
        template="blocks/rich_text_block.html",
    )
    callout = CalloutBlock()
