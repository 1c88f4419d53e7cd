"""The demo's periodic task (made by `manage.py schedule_tasks`, core/schedules.py)."""

SCHEDULES = [
    {
        # Only while `make run` runs (KOMAK_DEMO_KEEP_TALK): keeps a demo talk
        # joinable. A database that once ran the demo stops keeping its talk. The
        # name is the one it had under consultations, so an existing row is
        # pointed at the new function rather than left behind.
        "name": "consultations: keep a demo talk joinable",
        "func": "demo.tasks.demo_talk_keep",
        "minutes": 1,
        "enabled_by": "KOMAK_DEMO_KEEP_TALK",
    },
]
