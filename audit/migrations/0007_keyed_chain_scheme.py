"""The chain becomes keyed (HMAC-SHA256 with AUDIT_CHAIN_KEY). Records already written
keep plain SHA-256 and say so (`scheme` 1); every new record is keyed (`scheme` 2).

Adding the column with a default does not rewrite rows on PostgreSQL 11 and later (no
UPDATE, so the append-only trigger is not involved) and the hashes stay as they were:
`audit_verify` checks each record by its own scheme and refuses an unkeyed record
after a keyed one (docs/privacy.md, "Upgrading an unkeyed chain").
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_issue11_admin_read_actions")]

    operations = [
        migrations.AddField(
            model_name="auditrecord",
            name="scheme",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (1, "SHA-256 (before the chain key)"),
                    (2, "HMAC-SHA256 with the chain key"),
                ],
                default=1,
                verbose_name="hash scheme",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="scheme",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (1, "SHA-256 (before the chain key)"),
                    (2, "HMAC-SHA256 with the chain key"),
                ],
                default=2,
                verbose_name="hash scheme",
            ),
        ),
    ]
