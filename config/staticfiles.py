from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig

# viewflow ships ~50 MB of static files; the shell uses its stylesheet, script, Turbo, perfect-scrollbar,
# Roboto and Material Icons. These are never linked from our pages, and the npm trees' stylesheets point at
# fonts that are not there, which the hashing storage rejects.
UNUSED_VIEWFLOW_ASSETS = [
    "node_modules",
    "viewflow/js/contrib/*",  # Plotly Dash (15 MB)
    "viewflow/fonts/simple-icons/*",  # brand icons (6 MB)
    "viewflow/js/vis-network*",  # BPMN charts
    "viewflow/css/vis-network*",
    "viewflow/js/trix*",  # rich-text editor
    "viewflow/css/trix*",
    "viewflow/js/smartcrop*",
]


class StaticFilesConfig(BaseStaticFilesConfig):
    """django.contrib.staticfiles, with collectstatic skipping viewflow's assets the product never serves."""

    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, *UNUSED_VIEWFLOW_ASSETS]
