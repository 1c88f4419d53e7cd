"""The periodic tasks of lesson videos (made by `manage.py schedule_tasks`,
core/schedules.py)."""

SCHEDULES = [
    {
        "name": "videos: recover stalled videos",
        "func": "videos.tasks.videos_stalled_recover",
        "minutes": 5,
    },
]
