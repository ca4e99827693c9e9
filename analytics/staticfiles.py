"""Serves the plotly.js that the installed ``plotly`` package ships as a static file, so the
dashboards load it from this site (and collectstatic copies it) and never from a CDN."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PACKAGE_DATA = Path(plotly.__file__).parent / "package_data"
STATIC_PATH = "analytics/vendor/plotly.min.js"
SOURCE_NAME = "plotly.min.js"


class PlotlyFinder(BaseFinder):
    """Finds exactly one file, ``analytics/vendor/plotly.min.js``: the package's own copy."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=PACKAGE_DATA)
        self.storage.prefix = "analytics/vendor"

    def check(self, **kwargs) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs) -> str | list[str]:
        if path != STATIC_PATH:
            # [] either way, as Django's own finders answer: a None here would be collected
            # into finders.find()'s answer as [None], which static serving takes for a match
            return []
        match = str(PACKAGE_DATA / SOURCE_NAME)
        return [match] if find_all else match

    def list(self, ignore_patterns: list[str] | None):
        yield SOURCE_NAME, self.storage
