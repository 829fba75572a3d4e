"""Write the generated sources: Markdown pages with front matter, plain files, assets and ``mkdocs.yml``.

Templates are Markdown, so Jinja's HTML autoescaping does not fit; instead every ``{{ … }}`` goes
through :func:`_finalize`, which makes anything that is not trusted :class:`Markup` inert text. A
template cannot forget to escape.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from fitsm_kit.resources import data_dir
from fitsm_kit.site.markdown import text
from fitsm_kit.site.page import File, Page
from fitsm_kit.yamltext import flow_list, quoted, scalar

DOCS = "docs"
CONFIG = "mkdocs.yml"
NAV = [("Home", "index.md"), ("Service catalogue", "catalogue/index.md"), ("Service portfolio", "portfolio/index.md"),
       ("Agreements", "agreements/index.md"), ("Customers", "customers/index.md"),
       ("Suppliers", "suppliers/index.md"), ("Roles", "roles/index.md"), ("Reviews", "reviews/index.md"),
       ("Conformity", "requirements/index.md"), ("Documents", "documents/index.md")]


def _finalize(value: object) -> object:
    return value if isinstance(value, Markup) else text(value)


@functools.cache
def environment() -> Environment:
    """The Jinja2 environment for ``templates/site``: strict, and escaping every expression."""
    return Environment(loader=FileSystemLoader(data_dir("templates") / "site"), undefined=StrictUndefined,
                       autoescape=False, finalize=_finalize, keep_trailing_newline=True, trim_blocks=True,
                       lstrip_blocks=True)


def front_matter(page: Page) -> str:
    """YAML front matter; every value is written as JSON, which YAML reads as it is."""
    # The themes print the title and the site name into HTML unescaped: escape them here.
    data: dict[str, object] = {"title": str(escape(page.title))}
    if page.revision is not None:
        data["revision_date"] = page.revision.isoformat()
    if page.hide:
        data["hide"] = list(page.hide)
    if not page.searchable:
        data["search"] = {"exclude": True}
    lines = [f"{key}: {_yaml(value)}" for key, value in data.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def _yaml(value: object) -> str:
    """A value as YAML that reads back equal (strings quoted so that no character is lost)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return flow_list(value)
    return quoted(value) if isinstance(value, str) else scalar(value)


def write_sources(build: Path, items: Iterable[Page | File], tick: Callable[[], None] = lambda: None) -> int:
    """Render every page into ``build/docs`` and copy the site assets; return the number of pages."""
    docs = build / DOCS
    shutil.copytree(data_dir("templates") / "site" / "assets", docs / "assets" / "fitsm")
    env = environment()
    made: set[Path] = set()
    pages = 0
    for item in items:
        path = docs / item.path
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        if isinstance(item, File):
            path.write_text(item.content, encoding="utf-8", newline="")
            continue
        body = env.get_template(item.template).render(**item.context)
        path.write_text(front_matter(item) + body, encoding="utf-8")
        pages += 1
        tick()
    return pages


def write_config(build: Path, site_dir: Path, title: str) -> Path:
    """``mkdocs.yml``: only section pages in the navigation, so a page's size does not grow with the SMS."""
    config = {
        "site_name": str(escape(title)),
        "docs_dir": DOCS,
        "site_dir": str(site_dir),
        "use_directory_urls": True,
        "theme": {
            "name": "material",
            "font": False,  # no requests to a font CDN: the site works offline and tells no third party
            "features": ["navigation.top", "search.highlight"],
            "palette": {"primary": "indigo", "accent": "indigo"},
        },
        "nav": [{name: path} for name, path in NAV],
        "markdown_extensions": ["tables", "admonition", {"toc": {"permalink": True}}],
        "plugins": ["search"],
        # --strict fails on these: a broken link or anchor between generated pages is a bug.
        "validation": {"nav": {"omitted_files": "info", "not_found": "warn"},
                       "links": {"not_found": "warn", "anchors": "warn", "absolute_links": "warn",
                                 "unrecognized_links": "warn"}},
    }
    path = build / CONFIG
    # no line width: a folded double-quoted string is where YAML writers lose characters
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=2**31 - 1), encoding="utf-8")
    return path
