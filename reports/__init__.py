"""Coverage against plan targets, dashboards, exports and registry imports: floor 6."""
