"""Reading our own pages' HTML in tests."""

import re

# A <script> element with no src that is not a data block: code written into the
# page, which the Content-Security-Policy would have to allow.
INLINE_CODE = re.compile(
    r"<script(?![^>]*\ssrc=)(?![^>]*\stype=\"application/json\")[^>]*>"
)


def inline_scripts(html: str) -> list[str]:
    """The opening tags of scripts carried in the page itself rather than in a file
    of ours. Data for our scripts (`json_script`, type application/json) is never
    run, so it is not one of them."""
    return INLINE_CODE.findall(html)
