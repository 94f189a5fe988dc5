"""Registry imports: read a spreadsheet, check every row against the registry, then write all or nothing."""
