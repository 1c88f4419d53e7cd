"""Consent terms in every interface language, and the language each consent was
given in (issue 18).

Existing versions keep their text as the Uzbek text (the model's own fields) and get
no translations; existing consent records were given to that Uzbek text, so they
record "uz". Adding a column fires no row trigger, so accepted versions (migration
0003's trigger) are not touched.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0003_encrypt_topic_precall_lock_accepted_terms"),
    ]

    operations = [
        migrations.AddField(
            model_name="consentrecord",
            name="language",
            field=models.CharField(
                choices=[
                    ("uz", "Uzbek"),
                    ("uz-cyrl", "Uzbek (Cyrillic)"),
                    ("ru", "Russian"),
                    ("kaa", "Karakalpak"),
                    ("en", "English"),
                ],
                default="uz",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="consentterms",
            name="translations",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="The same terms in Russian, Karakalpak and English. A person can agree only in a language the terms are written in.",
                verbose_name="translations",
            ),
        ),
    ]
