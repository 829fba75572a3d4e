"""Time ``fitsm render`` on generated SMSs of growing size: seconds, CPU seconds and MB of site.

    python benchmarks/site_scale.py --docs 1000 2000 5000 --engine mkdocs zensical [--attest]

Each SMS is made by ``benchmarks/generate.py`` (one document per file, a short Git history) in a
temporary directory; ``fitsm render`` runs as a subprocess, as a user would run it. CPU seconds
(user + system, the process and its children) are reported besides wall-clock seconds because a busy
machine stretches the wall clock but not the CPU time. Linear growth shows as a constant time per
document.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402  (the sibling benchmark module)

_PEAK = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)")


def size_mb(root: Path) -> float:
    """Bytes of all files below ``root``, in MB (10^6), as a download or a copy would count them."""
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6


def measure(docs: int, engine: str, work: Path, attest: bool = False) -> dict[str, float]:
    sms, out = work / f"sms-{docs}", work / f"site-{docs}-{engine}"
    if not sms.exists():
        generate(sms, docs, commits=docs + 1, attest=attest)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # run through a small parent of its own, which reports the peak memory of this render alone (the
    # render or the engine it runs, whichever is larger; ru_maxrss of our own children would carry over)
    done = subprocess.run([sys.executable, "-c", _PEAK, sys.executable, "-m", "fitsm_kit", "render", str(sms),
                           "--out", str(out), "--engine", engine, "--force"], check=True, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    pages = sum(1 for _ in out.rglob("index.html"))
    return {"docs": docs, "pages": pages, "wall": wall, "cpu": cpu, "mb": size_mb(out),
            "ms_per_doc": 1000 * wall / docs, "peak_mb": peak_kib / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, nargs="+", default=[1000, 2000, 5000])
    parser.add_argument("--engine", nargs="+", default=["mkdocs"], choices=["mkdocs", "zensical"])
    parser.add_argument("--attest", action="store_true", help="a GR5.2 attestation on every cloned document")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("| engine | documents | pages | seconds | CPU seconds | peak memory MB | site MB | ms per document |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="fitsm-site-scale-") as tmp:
        for engine in args.engine:
            for docs in args.docs:
                r = measure(docs, engine, Path(tmp), args.attest)
                print(f"| {engine} | {r['docs']:,} | {r['pages']:,} | {r['wall']:.1f} | {r['cpu']:.1f} | "
                      f"{r['peak_mb']:.0f} | {r['mb']:.0f} | {r['ms_per_doc']:.1f} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
