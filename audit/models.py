"""Audit records and the chain's head.

A record names its actor by id *and* by a keyed pseudonym, never by name: the id may
later point to an anonymised account, the pseudonym lets a coordinator follow one
person's actions without the trail holding who they are. The target is a content type
label and an id as text, so a record outlives the object it is about. Nothing special
(a note's text, a consultation's topic) is ever written here: ids only.

Each record carries `hash = HMAC-SHA256(chain key, previous_hash + canonical JSON of
its content)` (records written before the key came keep plain SHA-256; `scheme` says
which); `audit.chain` computes and checks it.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class ChainScheme(models.IntegerChoices):
    """How a record's hash is made. Only ever goes up along the chain: a record after
    a keyed one cannot be unkeyed (docs/privacy.md, "Upgrading an unkeyed chain")."""

    SHA256 = 1, _("SHA-256 (before the chain key)")
    HMAC_SHA256 = 2, _("HMAC-SHA256 with the chain key")


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_OUT = "sign_out", _("Signed out")
    PHONE_CODE_REQUEST = "phone_code_request", _("Sign-in code asked for")
    PHONE_CODE_RATE_LIMITED = (
        "phone_code_rate_limited",
        _("Sign-in code refused: too many asked for"),
    )
    PHONE_CODE_WRONG = "phone_code_wrong", _("Wrong sign-in code typed")
    PHONE_CODE_EXPIRED = "phone_code_expired", _("Expired sign-in code typed")
    PHONE_CODE_TOO_MANY_TRIES = (
        "phone_code_too_many_tries",
        _("Sign-in code ended after too many wrong tries"),
    )
    PHONE_CODE_SIGN_IN = "phone_code_sign_in", _("Sign-in code accepted")
    MFA_SIGN_IN = "mfa_sign_in", _("Authenticator code accepted")
    MFA_SIGN_IN_FAILED = "mfa_sign_in_failed", _("Wrong authenticator code")
    MFA_CHANGE = "mfa_change", _("Second factor set up, removed or renewed")
    ACCESS_DENIED = "access_denied", _("Access refused")
    BOOKING_CREATE = "booking_create", _("Booking made")
    BOOKING_CANCEL = "booking_cancel", _("Booking cancelled")
    BOOKING_NO_SHOW = "booking_no_show", _("Booking marked as not taken place")
    BOOKING_LIST_VIEW = "booking_list_view", _("Bookings viewed")
    BOOKING_VIEW = "booking_view", _("Booking viewed")
    NOTE_VIEW = "note_view", _("Session note viewed")
    NOTE_SAVE = "note_save", _("Session note saved")
    PRECALL_VIEW = "precall_view", _("Pre-call check opened")
    PRECALL_RECORD = "precall_record", _("Pre-call result stored")
    CALL_OPEN = "call_open", _("Call page opened")
    CALL_JOIN = "call_join", _("Joined a call")
    CALL_LEAVE = "call_leave", _("Left a call")
    CALL_ADMIT = "call_admit", _("Admitted the client")
    CALL_END = "call_end", _("Ended a call")
    CALL_PROTOCOL_CLOSE = (
        "call_protocol_close",
        _("Call connection closed for a broken rule"),
    )
    CONSENT_ACCEPT = "consent_accept", _("Consent given")
    CONSENT_WITHDRAW = "consent_withdraw", _("Consent withdrawn")
    USER_CHANGE = "user_change", _("User changed by staff")
    USER_GROUPS_CHANGE = "user_groups_change", _("User's groups changed")
    USER_PERMISSIONS_CHANGE = "user_permissions_change", _("User's permissions changed")
    GROUP_PERMISSIONS_CHANGE = (
        "group_permissions_change",
        _("Group's permissions changed"),
    )
    ADMIN_ACTION = "admin_action", _("Admin action")
    DATA_EXPORT = "data_export", _("Personal data exported")
    ACCOUNT_DELETE = "account_delete", _("Account deleted")
    RETENTION_ANONYMISE = "retention_anonymise", _("Old consultations anonymised")
    KEYS_ROTATE = "keys_rotate", _("Encryption keys rotated")
    CERTIFICATE_ISSUE = "certificate_issue", _("Certificate issued")
    CERTIFICATE_REVOKE = "certificate_revoke", _("Certificate revoked")
    CERTIFICATE_DOWNLOAD = "certificate_download", _("Certificate PDF downloaded")
    # Reads of personal data in the admin (issue 11): each leaves one record.
    REPORT_VIEW = "report_view", _("Training report viewed")
    REPORT_EXPORT = "report_export", _("Training report exported")
    LEARNER_VIEW = "learner_view", _("Learner's training record viewed")
    COHORT_MEMBERS_VIEW = "cohort_members_view", _("Cohort members listed")
    COHORT_MEMBER_LOOKUP = "cohort_member_lookup", _("Cohort member looked up")
    COHORT_IMPORT = "cohort_import", _("Cohort file imported")
    ENROLMENT_CREATE = "enrolment_create", _("Person enrolled in a cohort")
    USER_VIEW = "user_view", _("User viewed by staff")
    USER_LIST_VIEW = "user_list_view", _("Users listed by staff")
    AUDIT_VIEW = "audit_view", _("Audit trail viewed")
    AUDIT_REVEAL = "audit_reveal", _("Person behind a pseudonym revealed")
    AUDIT_CHECKPOINT = "audit_checkpoint", _("Audit checkpoint written")
    PASSWORD_CHANGE = "password_change", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset")
    PHONE_CHANGE = "phone_change", _("Phone number changed")
    EMAIL_CHANGE = "email_change", _("E-mail address changed")
    # One record per client address and minute, however many sockets (issue 13).
    SOCKET_REFUSALS = (
        "socket_refusals",
        _("Call connections refused from one address in one minute"),
    )
    # Wellbeing check-ins (issue 15): planned, stopped, answered, answers read,
    # old ones deleted. Records name check-ins by id, never a score.
    CHECKIN_SCHEDULE = "checkin_schedule", _("Check-ins planned")
    CHECKIN_STOP = "checkin_stop", _("Check-ins stopped")
    CHECKIN_ANSWER = "checkin_answer", _("Check-in answered")
    CHECKIN_VIEW = "checkin_view", _("Check-in answers viewed")
    CHECKIN_RETENTION_DELETE = (
        "checkin_retention_delete",
        _("Old check-ins deleted"),
    )
    # Needs analytics (issue 15): each page view and each CSV export.
    ANALYTICS_VIEW = "analytics_view", _("Needs analytics viewed")
    ANALYTICS_EXPORT = "analytics_export", _("Needs analytics table exported")
    LESSON_HELP_RECORD = "lesson_help_record", _("Help with a lesson recorded")
    # Counts only (tried, matched), never the typed login, as for cohort lookups.
    LESSON_HELP_LOOKUP = "lesson_help_lookup", _("Learner looked up to record help")
    # Urgent help (issue 15): each step of an "I need help now".
    URGENT_REQUEST = "urgent_request", _("Urgent help asked for")
    URGENT_SHOWN = "urgent_shown", _("Urgent requests shown to staff")
    URGENT_TAKE = "urgent_take", _("Urgent request taken")
    URGENT_ESCALATE = "urgent_escalate", _("Urgent request escalated to coordinators")
    URGENT_CLOSE = "urgent_close", _("Urgent request closed")
    URGENT_RETENTION_DELETE = (
        "urgent_retention_delete",
        _("Old urgent requests deleted"),
    )


class AuditRecord(models.Model):
    """One audited event. Rows are only ever inserted (a trigger refuses UPDATE and
    DELETE on PostgreSQL); `sequence` is dense, so a removed row leaves a gap."""

    sequence = models.PositiveBigIntegerField(
        verbose_name=_("number"),
        unique=True,
    )
    occurred_at = models.DateTimeField(
        verbose_name=_("when"),
        default=timezone.now,
        db_index=True,
    )
    actor_id = models.BigIntegerField(
        verbose_name=_("user id"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Empty for the system or a person who was not signed in."),
    )
    actor_pseudonym = models.CharField(
        verbose_name=_("user pseudonym"),
        max_length=32,
        blank=True,
        db_index=True,
        help_text=_("Stays the same for one person, also after the account is gone."),
    )
    action = models.CharField(
        verbose_name=_("action"),
        max_length=40,
        choices=AuditAction.choices,
        db_index=True,
    )
    target_type = models.CharField(
        verbose_name=_("object type"),
        max_length=100,
        blank=True,
        help_text=_(
            "The content type as app_label.model, for example consultations.booking."
        ),
    )
    target_id = models.CharField(
        verbose_name=_("object id"),
        max_length=64,
        blank=True,
    )
    ip_address = models.GenericIPAddressField(
        verbose_name=_("address"),
        null=True,
        blank=True,
    )
    detail = models.JSONField(
        verbose_name=_("detail"),
        default=dict,
        blank=True,
    )
    previous_hash = models.CharField(
        verbose_name=_("previous hash"),
        max_length=64,
    )
    hash = models.CharField(
        verbose_name=_("hash"),
        max_length=64,
        unique=True,
    )
    scheme = models.PositiveSmallIntegerField(
        verbose_name=_("hash scheme"),
        choices=ChainScheme.choices,
        default=ChainScheme.HMAC_SHA256,
    )

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        # Read-only for everyone: only `audit_record` writes.
        default_permissions = ("view",)
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"


class AuditChainHead(models.Model):
    """The last record's number and hash, in one row that appends lock.

    Locking this row (`select_for_update`) serialises appends on PostgreSQL, so two
    records never claim the same predecessor; SQLite's write transactions are serial
    already. It also catches records cut from the end of the chain.
    """

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        default_permissions = ()


class AuditCheckpoint(models.Model):
    """The head as the daily verification found it: a later rewrite of the chain up
    to here no longer matches. Being in the database, these rows can be rewound with
    the chain; the signed lines of the checkpoint file (`audit.checkpoints`, every 5
    minutes) cannot be, without the chain key."""

    verified_at = models.DateTimeField(default=timezone.now)
    sequence = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-verified_at"]
        default_permissions = ()
