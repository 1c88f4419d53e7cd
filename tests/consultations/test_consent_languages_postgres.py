"""On the real PostgreSQL (issue 18): migration 0003's trigger also refuses adding a
language to consent terms someone accepted, even in raw SQL, since translations are
a column of the version's row; a draft can still be given its languages."""

from tests.support.services import ScratchPostgresDatabase, require_postgres

PROBE = """
import django, json
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.utils import DatabaseError
from consultations.models import ConsentRecord, ConsentTerms

accepted = ConsentTerms.objects.create(version="2026-1", text="Shartlar.")
draft = ConsentTerms.objects.create(version="2026-2", text="Loyiha.")
client = get_user_model().objects.create_user(username="client", password="x" * 20)
ConsentRecord.objects.create(user=client, terms=accepted, language="uz")

def refused(pk):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE consultations_consentterms SET translations = %s "
                "WHERE id = %s",
                ['{"ru": {"text": "Условия."}}', pk],
            )
    except DatabaseError as error:
        return str(error).splitlines()[0]
    return None

print(json.dumps({
    "accepted": refused(accepted.pk),
    "draft": refused(draft.pk),
    "accepted_languages": ConsentTerms.objects.get(pk=accepted.pk).languages(),
    "draft_languages": ConsentTerms.objects.get(pk=draft.pk).languages(),
}))
"""


class PostgresTermsLanguagesTests:
    def test_the_trigger_refuses_a_language_added_to_an_accepted_version(self):
        require_postgres()
        with ScratchPostgresDatabase() as database:
            database.migrate()
            probe = database.run_json(PROBE)
        assert "have been accepted" in probe["accepted"]
        assert probe["accepted_languages"] == ["uz", "uz-cyrl"]
        assert probe["draft"] is None
        assert probe["draft_languages"] == ["uz", "uz-cyrl", "ru"]
