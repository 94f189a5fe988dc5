"""The officer's pages: the work lists (inbox, queue, archive), the step pages and the nomination page."""
