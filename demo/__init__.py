"""Ko'mak's demo site: what `manage.py seed_demo` loads, as data a translator can edit.

Data: `courses/` (one YAML file a course, its lessons' StreamField as stored),
`people.yaml` (the demo people, their password and the staff's authenticator key),
`training.yaml` (question banks, programs, cohorts), `consultations.yaml` (the demo
psychologist and the consent terms in every language), `pictures/` (the courses' and
steps' drawings) and `translations/ru.po` (one course in Russian).

Code: `courses.py` reads and checks the files against the blocks, with errors that
name the file and the field; `people.py`, `training.py`, `consultations.py` and
`translation.py` read theirs and seed them; `management/commands/` holds
`seed_demo`, `demo_logins` and `demo_totp`. This app stands above every other one:
it imports them, and none of them imports it.
"""
