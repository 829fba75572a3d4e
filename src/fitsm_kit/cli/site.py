"""``fitsm render``: the SMS as a static website, with a progress bar on a terminal."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Literal

import typer

from fitsm_kit.cli.common import AsOf, SmsPath, app, bug, err, notices, open_sms, out
from fitsm_kit.escape import safe


@app.command("render")
def render_command(
    path: SmsPath = Path("."),
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Directory for the site; default: site/ in "
                                                 "the SMS root. Replaced only when missing, empty or a previous "
                                                 "fitsm site; never a symbolic link.")] = None,
    engine: Annotated[Literal["mkdocs", "zensical"], typer.Option(
        help="Site engine: mkdocs (mkdocs-material) or zensical.")] = "mkdocs",
    force: Annotated[bool, typer.Option("--force", help="Replace a previous fitsm site in --out even when "
                                                        "files were added to it since.")] = False,
    as_of: AsOf = None,
) -> None:
    """Render the SMS as a static site: catalogue, portfolio, agreements, roles, reviews, conformity."""
    from fitsm_kit import site
    from fitsm_kit.site.builder import BuildFailed

    root, config, today = open_sms(path, as_of)
    try:
        with _progress() as progress:
            done = site.render(root, out_dir or root / "site", config, today,
                               engine_name=engine, force=force, progress=progress)
    except BuildFailed as failed:
        bug("the site engine rejected the generated pages", failed)
    notices(done.notices)
    out.print(f"Rendered {done.pages} pages into {safe(str(done.out))} with {engine} "
              f"({len(done.result.findings)} findings shown on the site).", markup=False)


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress bar on a terminal (stage, done, total); silent otherwise."""
    if not err.is_terminal:
        yield lambda stage, done, total: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        tasks: dict[str, TaskID] = {}
        totals: dict[str, int | None] = {}

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                for before in tasks:  # a new stage: the ones before it are done
                    bar.update(tasks[before], total=totals[before] or 1, completed=totals[before] or 1)
                tasks[stage], totals[stage] = bar.add_task(stage, total=total), total
            bar.update(tasks[stage], completed=done)

        yield update


