"""The ground floor: what every app uses (notifications, encryption at rest,
schedules, dates and languages, uploads and media files, the proxy's client address).

It imports no app of the project, only Django, Wagtail and other libraries, so that
any app may stand on it without an import circle (docs/architecture.md).
"""
