"""URLs of the accounts app; allauth's own URLs are included beside these in
cms/urls.py.
"""

from django.urls import path

from . import otp_views, views

urlpatterns = [
    path("profile/", views.profile, name="accounts_profile"),
    path("comfort/", views.comfort, name="accounts_comfort"),
    path("profile/my-data/", views.data_export, name="accounts_data_export"),
    path("profile/delete/", views.account_delete, name="accounts_delete"),
    path("profile/phone/", views.phone_change, name="accounts_phone_change"),
    path(
        "profile/phone/code/",
        views.phone_change_confirm,
        name="accounts_phone_change_confirm",
    ),
    path("profile/phone/remove/", views.phone_remove, name="accounts_phone_remove"),
    path(
        "login/phone/",
        otp_views.phone_code_request,
        name="accounts_phone_code_request",
    ),
    path(
        "login/phone/code/",
        otp_views.phone_code_confirm,
        name="accounts_phone_code_confirm",
    ),
]
