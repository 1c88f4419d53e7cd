"""Sign-in with a phone number in place of the username, whatever way it is written."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .phone import normalize_phone


class PhoneNumberBackend(ModelBackend):
    """Accept the phone number in the username field of the password sign-in form."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        try:
            phone = normalize_phone(username)
        except ValidationError:
            return None
        user_model = get_user_model()
        try:
            user = user_model.objects.get(phone_number=phone)
        except user_model.DoesNotExist:
            # Hash anyway so that timing does not reveal whether the number is known.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
