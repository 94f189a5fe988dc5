"""viewflow flows orchestrating the human work (who acts next, since when): floor 5, on cases.services."""
