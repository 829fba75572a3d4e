#!/usr/bin/env python3
"""Measure fitsm-kit against the conformity corpus.

For every variant in variants.yaml: copy its base SMS (sms/<base>/) into a temporary directory, apply
the one exact text replacement, run ``fitsm check --format json --no-cache`` on the copy and compare
the requirement IDs of the findings with what the variant expects:

- recall: each ID in ``expect`` is reported (by at least one finding);
- false positives: findings under an ID outside ``expect`` + ``also`` (cascades, wrong attribution);
- ``valid: true`` variants are correct SMSs: every finding is a false positive.

The bases themselves must be clean (0 findings). Prints a table and totals and exits 0 (the corpus
measures the checker; it does not gate it), unless --strict is given: then a miss, a false positive,
a dirty base or a broken variant exits 1.

Runs with the standard library and PyYAML only:  python tests/conformity/measure.py [-v] [--only NAME]
(with a Python that has fitsm-kit's dependencies installed, e.g. .venv/bin/python; otherwise it exits 2)
The checker is run as ``sys.executable -m fitsm_kit``; when this file sits in a fitsm-kit checkout,
that checkout's ``src/`` is put first on PYTHONPATH so the measured checker is the one beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
BASES = HERE / "sms"
VARIANTS = HERE / "variants.yaml"
SRC = HERE.parents[1] / "src"


@dataclass
class Outcome:
    name: str
    base: str
    expect: list[str]
    also: list[str]
    valid: bool
    reported: list[str] = field(default_factory=list)   # requirement IDs, sorted, unique
    findings: list[dict] = field(default_factory=list)
    error: str = ""                                     # the variant could not be applied or run

    @property
    def hits(self) -> list[str]:
        return [r for r in self.expect if r in self.reported]

    @property
    def misses(self) -> list[str]:
        return [r for r in self.expect if r not in self.reported]

    @property
    def false_positives(self) -> list[dict]:
        allowed = set(self.expect) | set(self.also)
        return [f for f in self.findings if f["requirement"] not in allowed]

    @property
    def status(self) -> str:
        if self.error:
            return "ERROR"
        if self.valid:
            return "PASS" if not self.findings else "FP"
        parts = []
        if self.misses:
            parts.append("MISS")
        if self.false_positives:
            parts.append("FP")
        return "+".join(parts) or "PASS"


def env() -> dict[str, str]:
    environment = dict(os.environ)
    if (SRC / "fitsm_kit").is_dir():
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), environment.get("PYTHONPATH", "")]))
    environment.pop("GITHUB_ACTIONS", None)  # keep the default output format predictable
    return environment


def run_check(root: Path) -> tuple[list[dict], str]:
    """The findings of ``fitsm check`` on ``root``, and an error text when the run itself failed."""
    proc = subprocess.run([sys.executable, "-m", "fitsm_kit", "check", str(root), "--format", "json", "--no-cache"],
                          capture_output=True, text=True, env=env(), timeout=300)
    if proc.returncode not in (0, 1):
        return [], f"exit {proc.returncode}: {proc.stderr.strip()[-500:]}"
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        return [], f"no JSON output ({e}): {proc.stderr.strip()[-300:]}"
    return report.get("findings", []), ""


def apply(variant: dict, root: Path) -> str:
    """Apply the variant's replacement in ``root``; an error text when it cannot be applied.

    ``copy_to`` writes the changed file under a new name beside the original (a copy made in a file
    manager, then edited); ``rename_to`` writes it under a new name in place of the original.
    """
    path = root / variant["file"]
    if not path.is_file():
        return f"no file {variant['file']} in base {variant['base']}"
    text = path.read_bytes().decode("utf-8", "surrogateescape")
    old, new = variant["replace"]["old"], variant["replace"]["new"]
    count = text.count(old)
    if count != 1:
        return f"'old' occurs {count} times in {variant['file']}, not once"
    changed = text.replace(old, new)
    target = root / (variant.get("copy_to") or variant.get("rename_to") or variant["file"])
    if target != path and target.exists():
        return f"{target.relative_to(root)} exists in base {variant['base']}"
    if variant.get("rename_to"):
        path.unlink()
    # encoding: write the changed file in another encoding (e.g. latin-1: an editor that saved it so)
    target.write_bytes(changed.encode(variant.get("encoding", "utf-8"), "surrogateescape"))
    return ""


def measure(variant: dict) -> Outcome:
    out = Outcome(variant["name"], variant["base"], list(variant.get("expect", [])), list(variant.get("also", [])),
                  bool(variant.get("valid", False)))
    tmp = Path(tempfile.mkdtemp(prefix=f"fitsm-conformity-{variant['name']}-"))
    try:
        root = tmp / variant["base"]
        shutil.copytree(BASES / variant["base"], root)
        out.error = apply(variant, root)
        if not out.error:
            out.findings, out.error = run_check(root)
            out.reported = sorted({f["requirement"] for f in out.findings})
    except Exception as e:  # a broken variant must not stop the measurement
        out.error = f"{type(e).__name__}: {e}"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def validate(variants: list[dict]) -> list[str]:
    problems, seen = [], set()
    for i, v in enumerate(variants):
        name = v.get("name", f"#{i}")
        for key in ("name", "base", "file", "replace", "why"):
            if key not in v:
                problems.append(f"{name}: no {key}")
        if name in seen:
            problems.append(f"{name}: name used twice")
        seen.add(name)
        if not v.get("valid") and not v.get("expect"):
            problems.append(f"{name}: a mistake variant needs expect")
        if v.get("valid") and v.get("expect"):
            problems.append(f"{name}: a valid variant expects nothing")
        if v.get("copy_to") and v.get("rename_to"):
            problems.append(f"{name}: copy_to or rename_to, not both")
        if v.get("base") and not (BASES / v["base"]).is_dir():
            problems.append(f"{name}: no base sms/{v['base']}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], help="measure only these variants (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each unexpected or missing finding")
    parser.add_argument("--strict", action="store_true", help="exit 1 unless everything passes")
    parser.add_argument("-j", "--jobs", type=int, default=min(8, os.cpu_count() or 1))
    args = parser.parse_args()

    probe = subprocess.run([sys.executable, "-m", "fitsm_kit", "--version"], capture_output=True, text=True, env=env())
    if probe.returncode != 0:
        print(f"cannot run '{sys.executable} -m fitsm_kit' (is fitsm-kit with its dependencies installed for this "
              f"Python? e.g. .venv/bin/python {Path(__file__).name}):\n{probe.stderr.strip()[-600:]}", file=sys.stderr)
        return 2
    where = f", PYTHONPATH {SRC}" if (SRC / "fitsm_kit").is_dir() else ""
    print(f"checker: {probe.stdout.strip()} ({sys.executable}{where})")

    variants = yaml.safe_load(VARIANTS.read_text(encoding="utf-8")) or []
    problems = validate(variants)
    for p in problems:
        print(f"variants.yaml: {p}")
    if args.only:
        variants = [v for v in variants if v.get("name") in args.only]

    bad = 0
    print("Bases:")
    for base in sorted(p.name for p in BASES.iterdir() if p.is_dir()):
        findings, error = run_check(BASES / base)
        state = "clean" if not findings and not error else (error or f"{len(findings)} findings")
        bad += state != "clean"
        print(f"  {base:20} {state}")
        for f in findings[:10]:
            print(f"      {f['path']}:{f['line']}: {f['requirement']} {f['message']} [{f['rule']}]")
    print()

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(measure, variants))

    width = max((len(o.name) for o in outcomes), default=10)
    print(f"{'variant':{width}}  {'base':16}  {'status':8}  {'expected':14}  reported")
    for o in outcomes:
        expected = "(valid)" if o.valid else ",".join(o.expect)
        reported = o.error or (",".join(o.reported) or "-")
        print(f"{o.name:{width}}  {o.base:16}  {o.status:8}  {expected:14}  {reported}")
        if args.verbose and not o.error:
            for r in o.misses:
                print(f"{'':{width}}    missing {r}")
            for f in (o.findings if o.valid else o.false_positives):
                print(f"{'':{width}}    unexpected {f['requirement']} {f['path']}:{f['line']} {f['message']} "
                      f"[{f['rule']}]")

    mistakes = [o for o in outcomes if not o.valid and not o.error]
    valids = [o for o in outcomes if o.valid and not o.error]
    errors = [o for o in outcomes if o.error]
    ids_expected = sum(len(o.expect) for o in mistakes)
    ids_hit = sum(len(o.hits) for o in mistakes)
    full = sum(1 for o in mistakes if not o.misses)
    with_fp = sum(1 for o in mistakes if o.false_positives)
    clean = sum(1 for o in mistakes if not o.misses and not o.false_positives)
    valid_flagged = sum(1 for o in valids if o.findings)

    def pct(a: int, b: int) -> str:
        return f"{100 * a / b:.1f} %" if b else "n/a"

    print()
    print(f"variants:                      {len(outcomes)} ({len(mistakes)} mistakes, {len(valids)} valid"
          + (f", {len(errors)} could not be run" if errors else "") + ")")
    print(f"recall (expected IDs reported): {ids_hit}/{ids_expected} = {pct(ids_hit, ids_expected)}")
    print(f"variants fully detected:        {full}/{len(mistakes)} = {pct(full, len(mistakes))}")
    print(f"mistakes with false positives:  {with_fp}/{len(mistakes)} = {pct(with_fp, len(mistakes))}")
    print(f"mistakes exactly right:         {clean}/{len(mistakes)} = {pct(clean, len(mistakes))}")
    print(f"valid variants flagged:         {valid_flagged}/{len(valids)}")
    print(f"bases clean:                    {'yes' if not bad else 'NO'}")
    failed = bad or problems or errors or any(o.status != "PASS" for o in outcomes)
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
