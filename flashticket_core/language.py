"""The languages the help desk speaks."""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    EN = "en"
    DE = "de"
