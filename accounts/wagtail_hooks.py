"""Wagtail admin hooks of the accounts app: the bulk actions on users, in their
audited form (accounts/admin_users.py), in place of Wagtail's own."""

from wagtail import hooks

from .admin_users import AUDITED_USER_BULK_ACTIONS

# Registered after wagtail.users' own (a higher order runs later): the bulk action
# registry keeps the last class registered for a model and action type.
for action_class in AUDITED_USER_BULK_ACTIONS:
    hooks.register("register_bulk_action", action_class, order=100)
