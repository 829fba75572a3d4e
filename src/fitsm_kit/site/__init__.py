"""``fitsm render``: the SMS as a static documentation site (mkdocs-material or Zensical).

Flow: check the SMS → index it for the pages (:mod:`.data`) → page modules yield pages → the writer
renders them with the templates in ``templates/site`` into a temporary build directory with a
``mkdocs.yml`` → the engine builds the site in strict mode → the builder moves it into ``--out``.

Scale: the navigation lists only the section pages; a document's page is reached from the tables of
its section. Every page therefore has the same small navigation, and the site grows linearly with the
number of documents (a flat navigation repeats every page on every page: quadratic).

May import ``output`` (the conformity matrix), ``engine`` (to check the SMS it shows), ``rules`` (derived
facts, from the same functions the rules use), ``gitcontrol``, ``sms``, ``model`` and the top-level
modules; never ``cli``, ``scaffold`` or ``evaluation``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fitsm_kit.engine import run as engine
from fitsm_kit.errors import FitsmError, did_you_mean
from fitsm_kit.findings import Result
from fitsm_kit.model.catalogue import requirements as catalogue_requirements
from fitsm_kit.site import agreements, builder, documents, home, parties, requirements, reviews, roles, services
from fitsm_kit.site.data import Site, build_site
from fitsm_kit.site.history import HistorySource, from_git
from fitsm_kit.site.page import File, Page
from fitsm_kit.site.writer import NAV, write_config, write_sources
from fitsm_kit.sms.config import Config

ENGINES = builder.ENGINES
Progress = Callable[[str, int, int | None], None]  # stage, done, total (None: unknown)


@dataclass(frozen=True)
class Rendered:
    """What a render produced."""

    out: Path
    pages: int
    result: Result
    notices: tuple[str, ...] = ()  # why Git history is missing or partial, for the user


def generate(site: Site) -> Iterator[Page | File]:
    """Every page and file of the site, section by section."""
    conf = requirements.conformity(site)
    due = reviews.schedule(site)
    yield home.page(site, conf, due)
    yield from services.pages(site)
    yield from agreements.pages(site)
    yield from parties.pages(site)
    yield roles.page(site)
    yield from reviews.pages(site, due)
    yield from requirements.pages(site, conf)
    yield from documents.pages(site)


def render(root: Path, out: Path, config: Config, as_of: dt.date, *, engine_name: str = "mkdocs",
           force: bool = False, history: HistorySource | None = None,
           progress: Progress = lambda stage, done, total: None) -> Rendered:
    """Render the SMS at ``root`` into ``out``; nothing outside ``out`` is written but a temporary directory.

    ``history`` defaults to the SMS's Git history (:func:`.history.from_git`).
    """
    if engine_name not in ENGINES:
        raise FitsmError(f"unknown engine {engine_name!r}{did_you_mean(engine_name, ENGINES)}; use one of: "
                         f"{', '.join(ENGINES)}")
    builder.check_target(out, root, force)
    progress("Checking the SMS", 0, None)
    sms, result = engine.check_sms(root, config, as_of)
    notices: tuple[str, ...] = ()
    git = None
    if history is None:
        progress("Reading the Git history", 0, None)
        history, git, notices = from_git(root, sms, as_of)
    site = build_site(sms, result, history, git)
    total = _page_count(site)
    with tempfile.TemporaryDirectory(prefix="fitsm-render-") as tmp:
        build = Path(tmp)
        counter = itertools.count(1)
        pages = write_sources(build, generate(site), lambda: progress("Writing pages", next(counter), total))
        config_file = write_config(build, build / "site", site.title)
        progress(f"Building with {engine_name}", 0, None)
        builder.run_engine(engine_name, config_file)
        builder.check_target(out, root, force)  # again: the directory may have changed meanwhile
        builder.install(build / "site", out)
    return Rendered(out, pages, result, notices)


def _page_count(site: Site) -> int:
    """How many pages :func:`generate` yields (for the progress bar): sections, requirements, documents."""
    return len(NAV) + len(site.docs) + len(catalogue_requirements())
