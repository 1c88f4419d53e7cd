"""URLs of the pre-call check."""

urlpatterns = []
