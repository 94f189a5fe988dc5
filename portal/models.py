"""One-time sign-in codes for households and citizens (no passwords): only a keyed hash of each code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInCode(models.Model):
    phone = models.CharField(_("phone number"), max_length=11)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [models.Index(fields=["phone", "-created_at"], name="portal_code_phone_idx")]

    def __str__(self):
        return f"{self.phone} · {self.created_at:%Y-%m-%d %H:%M}"
