"""Template helpers for lessons saved on the phone (docs/offline.md, "Saved lessons").

The lesson page says, before anything is saved, how big each choice is (the lowest
video quality or sound only, from the video's ladder) and gives the saving script
(static/js/offline-save.js) the addresses it must store. The words the scripts show
come from here, in the reader's language.
"""

import os

from django import template
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.transliteration import in_reader_script

register = template.Library()

# The lesson page itself, its styles and scripts, as saved: measured on the demo
# lessons (about 150 KB), rounded up. Pictures in the lesson come on top.
PAGE_BYTES = 200_000
HLS_SCRIPT = "vendor/hls.js/hls.light.min.mjs"
KB = 1000
MB = 1000 * KB
GB = 1000 * MB


@register.filter
def size_in_words(size: int) -> str:
    """A size as a person says it: "about 4 MB" (never "4.2 MiB")."""
    size = int(size or 0)
    if size >= GB:
        return _("about %(size)s GB") % {"size": max(1, round(size / GB))}
    if size >= MB:
        return _("about %(size)s MB") % {"size": max(1, round(size / MB))}
    return _("about %(size)s KB") % {"size": max(1, round(size / KB))}


def _player_script_bytes() -> int:
    """hls.js, which a saved video plays through (static/js/player.js)."""
    path = finders.find(HLS_SCRIPT)
    return os.path.getsize(path) if path else 0


def _lesson_player(page):
    """The player data of the lesson's first ready video, or None."""
    from videos.selectors import video_player_get

    for block in page.body:
        if block.block_type == "video":
            player = video_player_get(
                video=block.value.get("video"), language=get_language()
            )
            if player is not None:
                return player
    return None


@register.simple_tag
def offline_lesson(page) -> dict:
    """What the saving script needs to know about a lesson, and the choices it
    offers with their sizes (json_script "offline-lesson")."""
    player = _lesson_player(page)
    choices = []
    video = {}
    if player is not None:
        page_bytes = PAGE_BYTES + _player_script_bytes()
        rungs = [*player.qualities, *([player.audio] if player.audio else [])]
        video = {
            "master": player.master_url,
            "poster": player.poster_url,
            "playlists": [rung.playlist_url for rung in rungs],
            "captions": [track.url for track in player.captions],
        }
        if player.qualities:
            lowest = player.qualities[0]
            choices.append(
                {
                    "kind": "video",
                    "playlist": lowest.playlist_url,
                    "bytes": lowest.total_bytes + page_bytes,
                    "label": _("The video at low quality (%(size)s)")
                    % {"size": size_in_words(lowest.total_bytes + page_bytes)},
                }
            )
        if player.audio:
            choices.append(
                {
                    "kind": "audio",
                    "playlist": player.audio.playlist_url,
                    "bytes": player.audio.total_bytes + page_bytes,
                    "label": _("Sound only, with the words (%(size)s)")
                    % {"size": size_in_words(player.audio.total_bytes + page_bytes)},
                }
            )
    if not choices:
        choices.append(
            {
                "kind": "page",
                "playlist": "",
                "bytes": PAGE_BYTES,
                "label": _("The lesson (%(size)s)")
                % {"size": size_in_words(PAGE_BYTES)},
            }
        )
    published = page.last_published_at
    return {
        # Shown in the list of saved lessons, which this data block reaches
        # without passing the Cyrillic page writer.
        "title": in_reader_script(page.title),
        "url": page.url,
        "published": published.isoformat() if published else "",
        "video": video,
        "choices": choices,
    }


@register.simple_tag
def offline_words() -> dict:
    """The words of static/js/offline-*.js in the reader's language (json_script
    "offline-words"). `%(…)s` are filled in by the script."""
    return {
        "sizes": {
            "KB": _("about %(size)s KB"),
            "MB": _("about %(size)s MB"),
            "GB": _("about %(size)s GB"),
        },
        "saving": _("Saving. Please wait and keep this page open…"),
        "saved": _(
            "Saved on this phone (%(size)s). It opens from this address "
            "without internet."
        ),
        "noSpace": _(
            "There is not enough space on this phone. This lesson needs "
            "%(needed)s and %(free)s is free. Remove saved lessons you no longer "
            "need, or other files, and try again."
        ),
        "spaceRanOut": _(
            "The phone ran out of space while saving. Nothing of this lesson was "
            "kept. Remove saved lessons you no longer need and try again."
        ),
        "networkFailed": _(
            "The internet stopped while saving. Nothing of this lesson was kept. "
            "Try again when the internet is better."
        ),
        "cannotSave": _(
            "This browser cannot save lessons for use without internet. "
            "A newer browser, such as Chrome, can."
        ),
        "alreadySaved": _("This lesson is saved on this phone (%(size)s)."),
        "newer": _(
            "The trainer has changed this lesson since you saved it. "
            "Save it again to get the new version."
        ),
        "saveAgain": _("Save the new version"),
        "remove": _("Remove"),
        "removeNamed": _("Remove “%(title)s” from this phone"),
        "removed": _("“%(title)s” was removed from this phone."),
        "none": _("No lessons are saved on this phone yet."),
        "savedOn": _("%(size)s, saved on %(date)s"),
        "kinds": {
            "video": _("video at low quality"),
            "audio": _("sound only"),
            "page": _("text only"),
        },
        "estimate": _(
            "Saved lessons use %(used)s on this phone, and %(free)s more can be saved."
        ),
        "estimateEmpty": _("Space for saved lessons on this phone: %(free)s."),
        "savedUrl": reverse("learning_saved_lessons"),
    }
