"""Learning: courses that trainers publish in Wagtail and progress that is never lost.

Progress is kept twice, as Kolibri does: per-visit session records (`LessonVisit`) and
a per-lesson summary (`LessonProgress`). Both are recomputed from idempotent events
made on the learner's device (`ProgressEvent`), so retried or late events change
nothing twice.

Training programs for social workers (cohorts, final assessments, certificates, CPD
hours, reports) live here too: see docs/architecture.md, "Training programs".
"""
