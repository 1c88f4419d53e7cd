"""Writes about people: profile changes and role grants."""

from django.contrib.auth.models import Group

from .models import User


def user_profile_update(
    *,
    user: User,
    full_name: str,
    phone_number: str | None,
    region: str = "",
    district: str = "",
    birth_year: int | None = None,
    preferred_language: str = "uz",
) -> User:
    user.full_name = full_name
    user.phone_number = phone_number or None
    user.region = region
    user.district = district
    user.birth_year = birth_year
    user.preferred_language = preferred_language
    user.save(
        update_fields=[
            "full_name",
            "phone_number",
            "region",
            "district",
            "birth_year",
            "preferred_language",
        ]
    )
    return user


def user_role_grant(*, user: User, role: str) -> None:
    """Put a person in a role group; the groups are created by migration."""
    user.groups.add(Group.objects.get(name=role))
