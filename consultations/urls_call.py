"""URLs of the call page."""

urlpatterns = []
