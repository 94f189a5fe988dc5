from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig
from whitenoise.storage import CompressedManifestStaticFilesStorage

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


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Content-hashed, pre-compressed files after collectstatic; before it has ever run (no manifest: a fresh
    checkout's `manage.py runserver`), the source files' plain URLs, which WhiteNoise serves from the
    finders, instead of an error on every page."""

    def stored_name(self, name):
        if not self.hashed_files:
            return name
        return super().stored_name(name)
