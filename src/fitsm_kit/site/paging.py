"""Tables that grow with the SMS, split into pages of :data:`ROWS` rows, so no page grows without bound.

The first part stays on the section's own page; the others get pages of their own next to it, named
``_<stem>-<n>.md`` (ids start with a letter or digit, so no document's page can take that name), and
every part links to all parts. Rows are built per part, as links are relative to the page they are on.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from typing import TypeVar

from markupsafe import Markup

from fitsm_kit.site.markdown import link, table, text
from fitsm_kit.site.page import Page

ROWS = 500  # rows per page: a 5,000-document register is ten pages of ~100 kB, not one of 1 MB
T = TypeVar("T")


def paged_table(items: Sequence[T], row: Callable[[T, str], list[object]], headers: list[str], page: str,
                stem: str, title: str, empty: str = "None.", first: int = ROWS) -> tuple[Markup, list[Page]]:
    """The table of ``items`` for ``page`` (its first ``first`` rows) and the pages of the rest
    (:data:`ROWS` each); a page with several such tables keeps ``first`` small."""
    starts = [0, *range(first, len(items), ROWS)]
    parts = [items[a:b] for a, b in zip(starts, [*starts[1:], len(items)], strict=True)]
    folder = posixpath.dirname(page)
    paths = [page, *(posixpath.join(folder, f"_{stem}-{n}.md") for n in range(2, len(parts) + 1))]

    def rendered(i: int) -> Markup:
        here = paths[i]
        body = table(headers, [row(item, here) for item in parts[i]], empty)
        if len(parts) == 1:
            return body
        links = Markup(" · ").join(text(n + 1) if n == i else link(str(n + 1), p, here) for n, p in enumerate(paths))
        rows = f"{starts[i] + 1}–{starts[i] + len(parts[i])}"
        nav = text(f"Rows {rows} of {len(items)}; part:") + Markup(" ") + links
        return nav + Markup("\n\n") + body + Markup("\n\n") + nav

    more = []
    for i in range(1, len(parts)):
        name = f"{title} ({i + 1} of {len(parts)})"
        more.append(Page(paths[i], name, "part.md.j2",
                         {"title": name, "table": rendered(i), "back": link(title, page, paths[i])}, searchable=False))
    return rendered(0), more
