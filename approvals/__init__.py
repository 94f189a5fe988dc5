"""Collective steps (village review sessions, commune decisions, audits) and their official documents.

Floor 4: the batch versions of the case transitions arrive with the collective-steps issue; single-case steps
are in cases.services.
"""
