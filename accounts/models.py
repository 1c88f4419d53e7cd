"""The user model: the facts Ko'mak needs to serve a person and to count where the need
is.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .regions import Region
from .roles import COORDINATOR, LEARNER, SOCIAL_WORKER, SPECIALIST, TRAINER


class User(AbstractUser):
    """A person who uses Ko'mak: learner, client, trainer, specialist or coordinator.

    The phone number is the everyday identifier for older and rural people, many of
    whom have no e-mail address, so it is unique; staff may leave it empty. Region and
    birth year exist for the coordinators' statistics (where the need is, which age
    groups are reached), never for showing to other users.
    """

    full_name = models.CharField(
        verbose_name=_("full name"),
        max_length=150,
        blank=True,
    )
    phone_number = models.CharField(
        verbose_name=_("phone number"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        help_text=_("In international form, for example +998901234567."),
    )
    preferred_language = models.CharField(
        verbose_name=_("preferred language"),
        max_length=10,
        default="uz",
    )
    region = models.CharField(
        verbose_name=_("region"),
        max_length=20,
        choices=Region.choices,
        blank=True,
    )
    district = models.CharField(
        verbose_name=_("district"),
        max_length=100,
        blank=True,
        help_text=_("District, town or village, as the person writes it."),
    )
    birth_year = models.PositiveSmallIntegerField(
        verbose_name=_("birth year"),
        null=True,
        blank=True,
    )
    # Comfort settings (accounts/comfort.py), kept here so they follow the person.
    large_text = models.BooleanField(
        verbose_name=_("larger text"),
        default=False,
    )
    high_contrast = models.BooleanField(
        verbose_name=_("high contrast"),
        default=False,
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_year__isnull=True)
                | models.Q(birth_year__gte=1900, birth_year__lte=2030),
                name="accounts_user_birth_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        return (self.full_name or "").split(" ")[0] or self.username

    def has_role(self, role: str) -> bool:
        return self.groups.filter(name=role).exists()

    @property
    def is_learner(self) -> bool:
        return self.has_role(LEARNER)

    @property
    def is_trainer(self) -> bool:
        return self.has_role(TRAINER)

    @property
    def is_specialist(self) -> bool:
        return self.has_role(SPECIALIST)

    @property
    def is_coordinator(self) -> bool:
        return self.has_role(COORDINATOR)

    @property
    def is_social_worker(self) -> bool:
        return self.has_role(SOCIAL_WORKER)
