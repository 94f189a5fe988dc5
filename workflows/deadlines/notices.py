"""The texts of the deadline notifications, formatted in Python: a sweep writes thousands at once.

Each function takes the sweep's context (ref, subject, step, due_at, since, owner: plain values) and returns
(title, body) in the active language. The catalogue is read once per language, not once per message.
"""

import functools

from django.utils import timezone, translation
from django.utils.translation import gettext as _


@functools.cache
def _texts(language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "reminder_title": _("Case %(ref)s: “%(step)s” is due soon"),
            "reminder_body": _("The step “%(step)s” of case %(ref)s (%(subject)s) is due on %(due)s."),
            "escalation_title": _("Overdue: case %(ref)s, “%(step)s”"),
            "escalation_body": _(
                "The step “%(step)s” of case %(ref)s (%(subject)s) was due on %(due)s and is still open."
            ),
            "assigned_to": _("Assigned to"),
            "unassigned": _("Nobody has taken the step yet."),
            "stalled_title": _("Stalled: case %(ref)s, “%(step)s”"),
            "stalled_body": _(
                "Nothing has happened on the step “%(step)s” of case %(ref)s (%(subject)s) since %(since)s."
            ),
        }


def _day(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y") if value else ""


def _values(context: dict) -> tuple[dict[str, str], dict]:
    values = {
        "ref": context["ref"],
        "subject": context["subject"],
        "step": context["step"],
        "due": _day(context.get("due_at")),
        "since": _day(context.get("since")),
    }
    return _texts(translation.get_language()), values


def reminder(context: dict) -> tuple[str, str]:
    texts, values = _values(context)
    return texts["reminder_title"] % values, texts["reminder_body"] % values


def escalation(context: dict) -> tuple[str, str]:
    texts, values = _values(context)
    owner = context.get("owner")
    assignee = f"{texts['assigned_to']}: {owner}" if owner else texts["unassigned"]
    return texts["escalation_title"] % values, f"{texts['escalation_body'] % values}\n{assignee}"


def stalled(context: dict) -> tuple[str, str]:
    texts, values = _values(context)
    return texts["stalled_title"] % values, texts["stalled_body"] % values
