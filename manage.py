#!/usr/bin/env python
"""Django's command-line entry point for Yaoyun."""

import os
import sys

if __name__ == "__main__":
    # The safe default (debug off, loopback hosts); dev, test and production are named explicitly.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
