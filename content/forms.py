"""Admin form bases: every uploaded document is checked as a test-report PDF."""

from django.conf import settings
from django.core.files import File
from wagtail.documents.forms import BaseDocumentForm

from content.validators import validate_report_file


class ReportDocumentForm(BaseDocumentForm):
    def clean_file(self) -> File:
        file = self.cleaned_data["file"]
        if file and getattr(file, "size", None) is not None and hasattr(file, "content_type"):
            validate_report_file(file, settings.REPORT_MAX_UPLOAD_SIZE)
        return file
