"""Signals of the audit log, for listeners on upper floors that audit must not know about."""

from django.dispatch import Signal

# Sent after a verification run that found the log broken; kwargs: run (a VerificationRun).
verification_failed = Signal()

# Sent when a background job failed too often and is no longer re-driven; kwargs: job (a BackgroundJob).
job_gave_up = Signal()
