"""Where ``fitsm check -o FILE`` may write: a new file, or a previous report — never anything else.

A report replaces a file only when that file looks like a report fitsm wrote (any format: text, JSON,
SARIF, GitHub commands, JUnit, the conformity matrix) or is empty. An SMS document, the configuration,
anything in a ``.git`` directory and a symbolic link to a regular file are refused, whatever their
content: ``-o general/policy.yaml`` must never turn the policy into JSON. A device or pipe (``-o
/dev/stdout``) is written as a stream.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from fitsm_kit.atomic import write_atomic
from fitsm_kit.errors import FitsmError, io_error
from fitsm_kit.sms.config import config_path
from fitsm_kit.sms.discovery import discover
from fitsm_kit.sms.files import is_yaml_name

_SUMMARY = re.compile(r"^(All checks passed: |Found \d+ findings? ).*, as of \d{4}-\d{2}-\d{2}.*\.$")
_MATRIX = re.compile(r"^FitSM-1 conformity, as of \d{4}-\d{2}-\d{2}$")
_LARGEST = 64 * 1024 * 1024  # a larger file is not a report fitsm wrote


def looks_like_report(data: bytes) -> bool:
    """Whether ``data`` is (the start and end of) a report fitsm wrote, in any of its formats."""
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        return True
    lines = [line for line in text.splitlines() if line.strip()]
    if _SUMMARY.match(lines[-1]) or _MATRIX.match(lines[0]):
        return True  # text, github and the matrix table end (or start) with fitsm's summary line
    if lines[0].startswith("<?xml") and any(line.startswith('<testsuites name="fitsm check"') for line in lines[:3]):
        return True
    try:
        data_json = json.loads(text)
    except ValueError:
        return False
    return _tool_name(data_json) == "fitsm-kit"


def _tool_name(report: object) -> object:
    """``tool.name`` of fitsm's JSON outputs, ``runs[0].tool.driver.name`` of SARIF."""
    if not isinstance(report, dict):
        return None
    runs = report.get("runs")
    if isinstance(runs, list) and runs and isinstance(runs[0], dict):
        report = runs[0].get("tool")
        tool = report.get("driver") if isinstance(report, dict) else None
    else:
        tool = report.get("tool")
    return tool.get("name") if isinstance(tool, dict) else None


def refuse_unsafe(output: Path, root: Path, exclude: list[str]) -> str:
    """Why ``output`` must not be written, as the SMS at ``root`` stands; "" when it may be.

    Returns "stream" for a device or pipe, which is written in place rather than replaced.
    """
    real = output.resolve()
    real_root = root.resolve()
    protected = {(root / rel).resolve() for rel, _ in discover(root, exclude)}
    if (config := config_path(root)) is not None:
        protected.add(config.resolve())
    if real in protected:
        raise FitsmError(f"{output} is a document of the SMS at {root}; a report never replaces one. "
                         "Choose another --output file")
    if ".git" in real.parts or ".git" in output.absolute().parts:
        raise FitsmError(f"{output} is inside a .git directory; choose another --output file")
    try:
        info = os.stat(output)
    except FileNotFoundError:
        info = None
    except OSError as e:
        raise io_error("use", output, e) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise FitsmError(f"{output} is a directory; --output takes a file name")
        return "stream"
    if output.is_symlink():
        raise FitsmError(f"{output} is a symbolic link; fitsm never writes through one. Choose another --output file")
    if real.is_relative_to(real_root) and is_yaml_name(real.name):
        raise FitsmError(f"{output} would be read as an SMS document (a .yaml file inside the SMS); "
                         "choose another --output file")
    if info is not None:
        try:
            data = output.read_bytes() if info.st_size <= _LARGEST else b"\0"
        except OSError as e:
            raise io_error("read", output, e) from None
        if not looks_like_report(data):
            raise FitsmError(f"{output} exists and is not a previous fitsm report; it was left unchanged. "
                             "Choose another --output file, or move it away")
    return ""


def write_report(text: str, output: Path, root: Path, exclude: list[str]) -> None:
    """Write a report to ``output`` if :func:`refuse_unsafe` allows it: atomically, or as a stream."""
    if refuse_unsafe(output, root, exclude) == "stream":
        try:
            with output.open("w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as e:
            raise io_error("write", output, e) from None
        return
    write_atomic(output, text)
