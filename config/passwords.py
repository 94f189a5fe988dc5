"""Django's minimum-length password validator with its texts in our catalogue (Django's own Vietnamese
catalogue lacks them, so an officer setting a password was told in English)."""

from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator
from django.utils.translation import ngettext


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short: it must contain at least %(min)s character.",
            "This password is too short: it must contain at least %(min)s characters.",
            self.min_length,
        ) % {"min": self.min_length}

    def get_help_text(self):
        return ngettext(
            "Your password must contain at least %(min)s character.",
            "Your password must contain at least %(min)s characters.",
            self.min_length,
        ) % {"min": self.min_length}
