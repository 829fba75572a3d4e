"""What the page modules produce: Markdown pages (a template and its context) and plain files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    """One Markdown page: ``templates/site/<template>`` rendered with ``context`` into ``path``."""

    path: str  # relative to the docs directory, e.g. services/cloud-compute.md
    title: str
    template: str
    context: Mapping[str, object] = field(default_factory=dict)
    revision: dt.date | None = None  # front matter revision_date: the "last update" line
    hide: tuple[str, ...] = ()  # mkdocs-material front matter: navigation, toc
    searchable: bool = True  # False for tables that grow with the SMS: their rows have pages of their own


@dataclass(frozen=True)
class File:
    """A file copied into the site as it is, e.g. the review calendar's .ics."""

    path: str
    content: str
