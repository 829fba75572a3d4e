"""Time fitsm-kit against yamllint on generated SMS trees, in one run, and print medians and ratios.

    python benchmarks/run.py --sizes 1000 2000 5000 --commits 20000 --repeat 3 [--per-file 20]

``--per-file N`` writes N documents to a file and makes each commit change one line of one document
(the way an SMS evolves); without it, one document per file and each commit appends a comment.

For each size it generates an SMS with ``benchmarks/generate.py`` (in a temporary directory) and times,
on the same tree, each command in its own process:

- ``cold``: ``fitsm check`` with no caches (all rules, Git history read from scratch);
- ``warm``: the same command again (its output is replayed: no framework, model or rule is imported);
- ``result-hit``: the replayed output removed, the result cache kept;
- ``history-hit``: both removed, the history cache kept (any edit to the SMS costs this);
- ``one-change``: a pre-commit style run after one changed and staged file (history cache hit);
- ``one-commit``: after one new commit that changes one line of one document (the parent's history cache
  is there, so only the new commit is read); compare it with ``history-hit``;
- ``100-commits``: after 100 more such commits;
- ``render``: ``fitsm render`` (skip with ``--no-render``);
- ``yamllint`` on the same files.

Peak RSS comes from ``wait4``: the largest of the command and the children it waited for (the forked
history reader among them). The machine is noisy: compare the ratios, which are measured side by side,
not absolute seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import _edit_one_document, generate  # noqa: E402

BIN = Path(sys.executable).parent
CACHES = (".git/fitsm-kit", ".fitsm_cache", ".fitsm-cache")


@dataclass
class Timing:
    seconds: float
    rss_mb: float


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Timing:
    """Run ``cmd`` to completion; wall time and the child's peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode} in {cwd}")
    return Timing(elapsed, usage.ru_maxrss / 1024)


def drop_caches(root: Path) -> None:
    for rel in CACHES:
        shutil.rmtree(root / rel, ignore_errors=True)


def median(runs: list[Timing]) -> Timing:
    return Timing(statistics.median(r.seconds for r in runs), max(r.rss_mb for r in runs))


def commit_edits(root: Path, count: int, seed: int) -> None:
    """``count`` commits, each changing one line of one document (as ``generate --per-file`` does)."""
    files = sorted(p for p in root.glob("bundle-*/**/*.yaml"))
    for k in range(count):
        path = files[(seed * 7919 + k * 104729) % len(files)]
        text = path.read_text(encoding="utf-8")
        path.write_text(_edit_one_document(text, seed * 1000 + k), encoding="utf-8")
        when = f"{1_800_000_000 + seed * 1000 + k} +0000"
        env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_NAME": "Service Desk",
               "GIT_AUTHOR_EMAIL": "desk@acme-rc.example", "GIT_COMMITTER_NAME": "Service Desk",
               "GIT_COMMITTER_EMAIL": "desk@acme-rc.example", "GIT_CONFIG_GLOBAL": os.devnull}
        subprocess.run(["git", "commit", "-q", "--no-verify", "-m", f"Edit {seed}-{k}", "--", str(path)], cwd=root,
                       check=True, env=env)


def bench(root: Path, repeat: int, render: bool) -> dict[str, Timing]:
    fitsm = [str(BIN / "fitsm")]
    check = [*fitsm, "check", "."]
    results: dict[str, list[Timing]] = {
        k: [] for k in ("cold", "warm", "result-hit", "history-hit", "one-change", "one-commit", "100-commits",
                        "render", "yamllint")}
    target = sorted(root.glob("**/services/*.yaml"))[0]
    original = target.read_text(encoding="utf-8")
    start = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True, capture_output=True,
                           text=True).stdout.strip()
    for i in range(repeat):
        drop_caches(root)
        results["cold"].append(timed(check, root))
        results["warm"].append(timed(check, root))
        (root / ".git" / "fitsm-kit" / "last-output.json").unlink()
        results["result-hit"].append(timed(check, root))
        (root / ".git" / "fitsm-kit" / "last-output.json").unlink()
        (root / ".git" / "fitsm-kit" / "last-check.json").unlink()
        results["history-hit"].append(timed(check, root))
        target.write_text(original + f"# staged change {i}\n", encoding="utf-8")
        subprocess.run(["git", "add", str(target)], cwd=root, check=True)
        results["one-change"].append(timed(check, root))
        subprocess.run(["git", "reset", "-q", "HEAD", "--", str(target)], cwd=root, check=True)
        target.write_text(original, encoding="utf-8")
        commit_edits(root, 1, 2 * i)
        results["one-commit"].append(timed(check, root))
        commit_edits(root, 100, 2 * i + 1)
        results["100-commits"].append(timed(check, root))
        subprocess.run(["git", "reset", "-q", "--hard", start], cwd=root, check=True)
        if render:
            out = Path(tempfile.mkdtemp(prefix="fitsm-site-"))
            results["render"].append(timed([*fitsm, "render", ".", "--out", str(out / "site")], root))
            shutil.rmtree(out, ignore_errors=True)
        results["yamllint"].append(timed([str(BIN / "yamllint"), "-f", "parsable", "."], root))
    return {k: median(v) for k, v in results.items() if v}


def precommit(tmp: Path, repeat: int) -> dict[str, Timing]:
    """The bundled example in a Git repository with a staged change: the first check after staging it (the
    result cache and the replayed output miss, the history cache hits), with and without a preloaded server
    (``fitsm server start``, in a private runtime directory), alternating; the same check again (its output
    is replayed), ``fitsm --version`` and Python's own start-up, medians."""
    root = tmp / "acme"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples" / "acme", root)
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b.example",
           "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@b.example"}
    # the two runs differ only in where they look for a server: one runtime directory has none
    served, plain = ({**env, "XDG_RUNTIME_DIR": str(tmp / name)} for name in ("run", "run-none"))
    for name in ("run", "run-none"):
        (tmp / name).mkdir(mode=0o700)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Import"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env)
    target = root / "general" / "policy.yaml"
    original = target.read_text(encoding="utf-8")
    check = [str(BIN / "fitsm"), "check", "."]
    timed(check, root, plain)  # the history cache a pre-commit run finds
    subprocess.run([str(BIN / "fitsm"), "server", "start"], cwd=root, env=served, check=True,
                   stdout=subprocess.DEVNULL)
    runs: dict[str, list[Timing]] = {"python": [], "version": [], "staged-first": [], "staged": [],
                                     "staged-first-server": []}
    try:
        for i in range(max(repeat, 7)):
            runs["python"].append(timed([sys.executable, "-c", "pass"], root))
            runs["version"].append(timed([str(BIN / "fitsm"), "--version"], root))
            for where in (("plain", "server") if i % 2 == 0 else ("server", "plain")):
                target.write_text(original + f"# staged {i} {where}\n", encoding="utf-8")
                subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
                if where == "server":  # a new staged change: the whole check runs, in the server
                    runs["staged-first-server"].append(timed(check, root, served))
                else:  # the same without a server, then again (the last output is replayed)
                    runs["staged-first"].append(timed(check, root, plain))
                    runs["staged"].append(timed(check, root, plain))
    finally:
        subprocess.run([str(BIN / "fitsm"), "server", "stop"], cwd=root, env=served, stdout=subprocess.DEVNULL)
    return {k: median(v) for k, v in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000])
    parser.add_argument("--commits", type=int, default=20000)
    parser.add_argument("--per-file", type=int, default=1,
                        help="documents per file; above 1, each commit edits one line of one document")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--small", type=int, default=200, help="size of the pre-commit latency check")
    parser.add_argument("--no-render", action="store_true", help="do not time fitsm render (the slowest part)")
    args = parser.parse_args()
    if not (BIN / "yamllint").exists():
        raise SystemExit("yamllint is not installed: pip install '.[bench]'")
    # Time fitsm as installed: pip compiles an installed package's modules, an editable install leaves them to
    # the first run, and with PYTHONDONTWRITEBYTECODE set (as on some CI images) every run compiles them again
    # (+0.08 s on the pre-commit row, which would hide real changes)
    import fitsm_kit

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(fitsm_kit.__file__).parent)], check=True,
                   stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="fitsm-bench-") as tmp:
        pre = precommit(Path(tmp), args.repeat)
        print(f"bundled example, staged change (goal <= 0.15 s): run again {pre['staged'].seconds:.3f} s, first run "
              f"after staging {pre['staged-first'].seconds:.3f} s, with `fitsm server start` "
              f"{pre['staged-first-server'].seconds:.3f} s; fitsm --version (goal <= 0.06 s): "
              f"{pre['version'].seconds:.3f} s; python -c pass: {pre['python'].seconds:.3f} s; load average "
              f"{os.getloadavg()[0]:.1f}")
        small = Path(tmp) / "small"
        generate(small, args.small, min(args.commits, 1000), args.per_file)
        latency = bench(small, args.repeat, render=False)
        print(f"{args.small}-document SMS, fitsm check wall time (goal <= 0.5 s): cold {latency['cold'].seconds:.2f} s,"
              f" one-change {latency['one-change'].seconds:.2f} s, warm {latency['warm'].seconds:.2f} s\n")
        header = f"{'docs':>6} {'commits':>7} {'what':<11} {'median s':>9} {'peak MB':>8} {'x yamllint':>11}"
        print(header)
        print("-" * len(header))
        for size in args.sizes:
            root = Path(tmp) / f"sms-{size}"
            docs = generate(root, size, args.commits, args.per_file)
            timings = bench(root, args.repeat, not args.no_render)
            base = timings["yamllint"].seconds
            for what, t in timings.items():
                ratio = t.seconds / base
                print(f"{docs:>6} {args.commits:>7} {what:<11} {t.seconds:>9.2f} {t.rss_mb:>8.0f} {ratio:>11.3f}")
            hit = timings["history-hit"].seconds
            print(f"{'':>15} one-commit / history-hit {timings['one-commit'].seconds / hit:.2f} (goal <= 1.3), "
                  f"100-commits / history-hit {timings['100-commits'].seconds / hit:.2f}")
            shutil.rmtree(root)
            print(f"{'':>15} load average {os.getloadavg()[0]:.1f}")
    print("\nGoals: cold <= 0.15 x yamllint, warm <= 0.05 x yamllint, peak RSS <= 400 MB, linear growth.")


if __name__ == "__main__":
    main()
