"""The 14 first-level administrative divisions of Uzbekistan.

12 regions (viloyat), the Republic of Karakalpakstan and Tashkent city. Codes are
stable slugs used in the database and in statistics; labels are translatable.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    KARAKALPAKSTAN = "karakalpakstan", _("Republic of Karakalpakstan")
    ANDIJAN = "andijan", _("Andijan region")
    BUKHARA = "bukhara", _("Bukhara region")
    FERGANA = "fergana", _("Fergana region")
    JIZZAKH = "jizzakh", _("Jizzakh region")
    KASHKADARYA = "kashkadarya", _("Kashkadarya region")
    KHOREZM = "khorezm", _("Khorezm region")
    NAMANGAN = "namangan", _("Namangan region")
    NAVOIY = "navoiy", _("Navoiy region")
    SAMARKAND = "samarkand", _("Samarkand region")
    SURKHANDARYA = "surkhandarya", _("Surkhandarya region")
    SYRDARYA = "syrdarya", _("Syrdarya region")
    TASHKENT_REGION = "tashkent_region", _("Tashkent region")
    TASHKENT_CITY = "tashkent_city", _("Tashkent city")
