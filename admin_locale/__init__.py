"""The Wagtail admin's words that Wagtail itself leaves untranslated in Uzbek,
Karakalpak and Russian. See apps.py."""
