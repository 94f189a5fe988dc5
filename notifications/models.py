from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app message to one user; the dedupe key makes delivery idempotent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # notif_user_unread_idx starts with the user
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("heading"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=255, blank=True)
    dedupe_key = models.CharField(max_length=150)  # unique (Meta): looked up whole, never by prefix
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notif_user_unread_idx")]
        # a constraint rather than unique=True, which on PostgreSQL adds a second (LIKE) index to every insert
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="notif_dedupe_key_uniq")]

    def __str__(self):
        return self.title


class EmailMute(models.Model):
    """A user who does not want e-mail for one kind of notification (the in-app one still arrives)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="email_mutes"
    )
    kind = models.CharField(_("kind"), max_length=40)

    class Meta:
        verbose_name = _("muted e-mail")
        verbose_name_plural = _("muted e-mails")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_email_mute_once")]

    def __str__(self):
        return f"{self.user} · {self.kind}"


class HouseholdNotice(models.Model):
    """A text message to a household's phone about its case: one per case event, whatever happens to it."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not delivered")
        OPTED_OUT = "opted_out", _("Not sent: the household asked for no messages")

    household = models.ForeignKey(
        "registry.Household", verbose_name=_("household"), on_delete=models.CASCADE, related_name="notices"
    )
    case_reference = models.CharField(_("case number"), max_length=60)
    event_type = models.CharField(_("event"), max_length=40)
    dedupe_key = models.CharField(max_length=80, unique=True)
    phone = models.CharField(_("phone number"), max_length=11)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    error = models.CharField(_("error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice to a household")
        verbose_name_plural = _("notices to households")
        indexes = [models.Index(fields=["household", "-created_at"], name="notif_household_notice_idx")]

    def __str__(self):
        return f"{self.case_reference} · {self.event_type} · {self.get_status_display()}"
