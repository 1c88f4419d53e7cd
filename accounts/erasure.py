"""Erasing a person's account, as a signal each app answers for its own data.

accounts stands below the apps that hold data about people (consultations,
learning, ...) and imports none of them, so it cannot erase their rows itself.
`accounts.services.user_account_delete` sends `account_erasing` instead, inside the
erasure's transaction: after the `account_delete` audit record, before the rows
still linked to the person are deleted and the account is emptied. Each app that
anonymises or keeps something (rather than deleting it) connects a receiver in its
`AppConfig.ready`:

- consultations: consent withdrawn (the records stay, as proof of what was agreed
  and when), bookings anonymised and upcoming ones cancelled, session notes deleted;
- learning: certificates stay verifiable by code, without her name.

Rows linked to the account by a CASCADE foreign key are then deleted by accounts,
as deleting the user row would (wellbeing check-ins, urgent requests, learning
progress...), except the models a receiver returned: a receiver returns the labels
("app_label.ModelName") of its models whose rows stay, pointing at the emptied
account, or None.

A receiver that raises stops the erasure and rolls all of it back (the signal is
sent with `send`, not `send_robust`): an account is erased whole or not at all.
"""

from django.dispatch import Signal

# Sent with sender=the user model and the keywords `user` (the person whose account
# is erased) and `request` (the request that asked for it, or None).
account_erasing = Signal()


def kept_labels(responses) -> set[str]:
    """The lower-case model labels that the receivers' answers (`Signal.send`'s
    list of (receiver, answer) pairs) say to keep."""
    return {
        label.lower() for _receiver, labels in responses for label in (labels or ())
    }
