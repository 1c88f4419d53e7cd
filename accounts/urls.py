"""URLs of the accounts app; allauth's own URLs are included beside these in
cms/urls.py.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="accounts_profile"),
]
