"""The demo people (`demo/people.yaml`), read and checked when this module is
imported: their usernames, the password and the staff's authenticator key are
stable, because the README, the docs and the tests sign in with them. Importable
without setting Django up (docs/screens/make_screens.py reads the password)."""

from pathlib import Path

import yaml

from accounts.regions import Region
from accounts.roles import ALL_ROLES

from .errors import DemoDataError

PEOPLE_FILE = Path(__file__).resolve().parent / "people.yaml"
PERSON_KEYS = {"username", "full_name", "phone_number", "roles", "what"}
OPTIONAL_KEYS = {"birth_year", "region", "district"}


def people_read(path: Path = PEOPLE_FILE) -> dict:
    """The file's password, authenticator key and people. Raises DemoDataError."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("password", "totp_secret", "people"):
        if not isinstance(data, dict) or not data.get(key):
            raise DemoDataError(path, key, "This field is required.")
    for number, person in enumerate(data["people"]):
        where = f"people[{number}]"
        missing = PERSON_KEYS - set(person)
        unknown = set(person) - PERSON_KEYS - OPTIONAL_KEYS
        if missing or unknown:
            field, message = (
                (sorted(missing)[0], "This field is required.")
                if missing
                else (sorted(unknown)[0], "no such field")
            )
            raise DemoDataError(path, f"{where}.{field}", message)
        if person.get("region", "") not in {"", *Region.values}:
            raise DemoDataError(path, f"{where}.region", "not a region's value")
        if not set(person["roles"]) <= set(ALL_ROLES):
            raise DemoDataError(path, f"{where}.roles", f"one of {ALL_ROLES}")
    return data


_PEOPLE = people_read()
DEMO_PASSWORD: str = _PEOPLE["password"]
DEMO_TOTP_SECRET: str = _PEOPLE["totp_secret"]
DEMO_USERS: list[dict] = _PEOPLE["people"]
