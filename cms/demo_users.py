"""The demo people. Their usernames and password are stable: later work and the README
rely on them.
"""

from accounts.regions import Region
from accounts.roles import COORDINATOR, LEARNER, SOCIAL_WORKER, SPECIALIST, TRAINER

DEMO_PASSWORD = "komak-demo-2026"  # noqa: S105 - demo data, refused by production settings
# Staff sign in with a second factor (docs/security.md). seed_demo gives the demo
# staff (trainer, specialist, coordinator, admin) this authenticator key; put it in
# an authenticator app, or print the current code with `manage.py demo_totp`.
DEMO_TOTP_SECRET = "KOMAKDEMOSTAFFTOTPSECRETKOMAK226"  # noqa: S105 - demo data, as above

DEMO_USERS = [
    {
        "username": "learner",
        "full_name": "Saodat Rahimova",
        "phone_number": "+998901110001",
        "birth_year": 1958,
        "region": Region.SAMARKAND,
        "district": "Urgut tumani, Qoratepa qishlogʻi",
        "roles": [LEARNER],
        "what": "older learner",
    },
    {
        "username": "trainer",
        "full_name": "Malika Xolmatova",
        "phone_number": "+998901110002",
        "region": Region.TASHKENT_CITY,
        "roles": [TRAINER],
        "what": "trainer: writes courses in the admin",
    },
    {
        "username": "specialist",
        "full_name": "Aziz Tursunov",
        "phone_number": "+998901110003",
        "region": Region.TASHKENT_CITY,
        "roles": [SPECIALIST],
        "what": "psychologist",
    },
    {
        "username": "client",
        "full_name": "Dilnoza Karimova",
        "phone_number": "+998901110004",
        "birth_year": 1971,
        "region": Region.FERGANA,
        "district": "Margʻilon shahri",
        "roles": [LEARNER],
        "what": "client of consultations",
    },
    {
        "username": "coordinator",
        "full_name": "Jasur Abdullayev",
        "phone_number": "+998901110005",
        "region": Region.TASHKENT_CITY,
        "roles": [COORDINATOR],
        "what": "coordinator: approves courses",
    },
    {
        "username": "socialworker",
        "full_name": "Nodira Qodirova",
        "phone_number": "+998901110006",
        "birth_year": 1986,
        "region": Region.KARAKALPAKSTAN,
        "district": "Nukus shahri",
        "roles": [LEARNER, SOCIAL_WORKER],
        "what": "social worker: My learning → My training programs, a certificate",
    },
]
