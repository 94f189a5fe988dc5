"""The step table (table, on base's Step and Outcome) and what reads it directly: the step pages (views,
forms, pages) and the case file's work panel (panel)."""
