"""The ground floor's hand-written SQL for measured hot paths; see README.md for its rules."""
