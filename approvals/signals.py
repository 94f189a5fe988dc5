"""Signals of the collective steps, for listeners on upper floors (the workflow completes its tasks).

`cases_advanced(step=..., cases=[...], actor=...)` is sent synchronously inside the batch's transaction after
every case has moved: a listener that raises rolls the whole batch back.
"""

from django.dispatch import Signal

cases_advanced = Signal()
