"""URLs of the learning app (pages themselves are served by Wagtail).

`certificate_urlpatterns` are mounted at `/certificates/` by the root URLconf: the
verification address printed on certificates is short and stays the same.
"""

from django.urls import path

from . import help_views, offline_views, program_views, simulation_views, views

urlpatterns = [
    path("progress/", views.progress_record, name="learning_progress_record"),
    path(
        "progress/<int:lesson_id>/",
        views.progress_detail,
        name="learning_progress_detail",
    ),
    # The lesson page's plain forms post here (JavaScript off, or a visitor's
    # answer); not under progress/, which only the page's script calls.
    path(
        "lessons/<int:lesson_id>/form/",
        views.lesson_form_post,
        name="learning_lesson_form",
    ),
    path("my/", views.my_learning, name="learning_my_learning"),
    path("saved/", offline_views.saved_lessons, name="learning_saved_lessons"),
    path(
        "simulations/<int:lesson_id>/<str:block_id>/",
        simulation_views.simulation_play,
        name="learning_simulation",
    ),
    path("programs/", program_views.my_training, name="learning_my_training"),
    path(
        "programs/<slug:slug>/",
        program_views.program_detail,
        name="learning_program_detail",
    ),
    path(
        "programs/<slug:slug>/courses/<int:course_id>/assessment/",
        program_views.assessment_start,
        name="learning_assessment_start",
    ),
    path(
        "attempts/<int:attempt_id>/",
        program_views.attempt_take,
        name="learning_attempt_take",
    ),
    path(
        "attempts/<int:attempt_id>/result/",
        program_views.attempt_result,
        name="learning_attempt_result",
    ),
    path("cpd/", program_views.cpd_ledger, name="learning_cpd_ledger"),
    path("cpd/hours.csv", program_views.cpd_ledger_csv, name="learning_cpd_csv"),
    path("help-given/", help_views.lesson_help, name="learning_lesson_help"),
]

certificate_urlpatterns = [
    path("", program_views.certificate_check, name="certificate_check"),
    path(
        "<str:code>/",
        program_views.certificate_verify,
        name="certificate_verify",
    ),
    path(
        "<str:code>/certificate.pdf",
        program_views.certificate_download,
        name="certificate_download",
    ),
]
