"""Generate a large SMS in fitsm-kit's format, with a long Git history, for benchmarks.

    python benchmarks/generate.py DIR --docs 5000 --commits 20000

The SMS is the clean example ``examples/acme`` scaled up: its SMS-wide documents (people, roles,
policy, scope, plans, the 14 process definitions, reviews and audits) once, and its services,
catalogue, SLAs, OLAs, UAs, customers, suppliers, reports, plans, risks, controls and records cloned
into bundles with suffixed ids — one document per file, so ``--docs`` is also the number of files.
History is written with ``git fast-import`` in one stream: the first commit adds every file, each
later commit changes one, authored by a service desk account and approved (``Approved-by:``) by the
example's SMS owner and process owners and managers; then repacked as ``git gc`` or a clone would pack it.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "acme"
# Kinds the SMS has once (people, roles, policy, plans, processes, SMS-wide records); all others are
# cloned per bundle with their ids suffixed, so every bundle is a complete, clean slice of the example.
SINGLETONS = {"Person", "RoleAssignment", "Policy", "Scope", "Plan", "Process", "SecurityPolicy",
              "ManagementReview", "Audit", "KPI", "Nonconformity", "Improvement", "Waiver"}
_KIND = re.compile(r"^kind: (\S+)", re.M)
_ID = re.compile(r"^  id: (\S+)", re.M)


def _example_documents() -> list[tuple[str, str, str, str]]:
    """(relative path, kind, id, text) of every document of the clean example."""
    docs = []
    for path in sorted(EXAMPLE.rglob("*.yaml")):
        rel = path.relative_to(EXAMPLE).as_posix()
        if rel == "fitsm.yaml":
            continue
        for text in path.read_text(encoding="utf-8").split("\n---\n"):
            kind, doc_id = _KIND.search(text), _ID.search(text)
            if kind and doc_id:
                docs.append((rel, kind[1], doc_id[1], text.rstrip("\n") + "\n"))
    return docs


def _suffixer(suffix: str) -> Callable[[re.Match[str]], str]:
    return lambda match: match[1] + suffix


ATTESTATION = ("  attestations:\n    - {requirement: GR5.2, statement: Followed as defined for this document; checked "
               "against its records in the quarterly internal review., by: alice-martin, role: SPM process owner, "
               "on: 2026-10-12}\n")


def documents(n: int, attest: bool = False) -> dict[str, str]:
    """About ``n`` documents, one per file: the example's singletons plus as many bundles as fit.

    ``attest``: every cloned document without attestations gets a GR5.2 attestation, so the requirement
    page has thousands to show (issue 17: it once exceeded Zensical's search index limit).
    """
    docs = _example_documents()
    shared = [d for d in docs if d[1] in SINGLETONS]
    cloned = [d for d in docs if d[1] not in SINGLETONS]
    ids = sorted({d[2] for d in cloned}, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    bundles = max(1, (n - len(shared)) // len(cloned))
    files = {"fitsm.yaml": (EXAMPLE / "fitsm.yaml").read_text(encoding="utf-8")}
    services = [d[2] for d in cloned if d[1] == "Service"]
    for rel, kind, doc_id, text in shared:
        text = pattern.sub(_suffixer("-b0"), text)  # SMS-wide records point at the first bundle
        if kind == "Scope":  # the scope covers every bundle's services
            every = ", ".join(f"{s}-b{b}" for b in range(bundles) for s in services)
            text = re.sub(r"^  services: \[.*\]$", f"  services: [{every}]", text, flags=re.M)
        files[f"{Path(rel).parent}/{doc_id}.yaml"] = text
    for b in range(bundles):
        rename = _suffixer(f"-b{b}")
        for rel, _kind, doc_id, text in cloned:
            if attest and "attestations:" not in text:
                text = text.replace("\nmetadata:\n", "\nmetadata:\n" + ATTESTATION, 1)
            files[f"bundle-{b}/{Path(rel).parent}/{doc_id}.yaml"] = pattern.sub(rename, text)
    return files


APPROVALS = "".join(f"Approved-by: {name} <{email}>\n" for name, email in (
    ("Alice Martin", "alice.martin@acme-rc.example"), ("Bob Keller", "bob.keller@acme-rc.example"),
    ("Carla Rossi", "carla.rossi@acme-rc.example"), ("David Chen", "david.chen@acme-rc.example")))


def multi(files: dict[str, str], per_file: int) -> dict[str, str]:
    """The same documents, ``per_file`` to a file: each bundle directory's files joined into a few."""
    out = {"fitsm.yaml": files["fitsm.yaml"]}
    groups: dict[str, list[str]] = {}
    for name in sorted(f for f in files if f != "fitsm.yaml"):
        groups.setdefault(str(Path(name).parent), []).append(name)
    for directory, names in groups.items():
        for start in range(0, len(names), per_file):
            part = names[start:start + per_file]
            out[f"{directory}/part-{start // per_file}.yaml"] = "---\n".join(files[n] for n in part)
    return out


_DESCRIPTION = re.compile(r"^(  (?:description|title|summary): ).*$", re.M)


def _edit_one_document(text: str, k: int) -> str:
    """``text`` with one line of one of its documents changed: its first title/description gets revision k."""
    docs = text.split("---\n")
    i = (k * 31) % len(docs)
    edited, n = _DESCRIPTION.subn(lambda m: f"{m[1]}revision {k}", docs[i], count=1)
    docs[i] = edited if n else docs[i] + f"# revision {k}\n"
    return "---\n".join(docs)


def write_history(root: Path, files: dict[str, str], commits: int, edit_documents: bool = False) -> None:
    """One fast-import stream: commit 1 adds all files, commit k > 1 changes one file: appends a comment
    line to it, or (``edit_documents``) changes one line of one of its documents."""
    names = sorted(f for f in files if f != "fitsm.yaml")
    content = dict(files)
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=env)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=root, stdin=subprocess.PIPE, env=env)
    assert proc.stdin is not None
    out = proc.stdin
    start = 1_735_689_600  # 2025-01-01
    for k in range(1, commits + 1):
        changed = list(files) if k == 1 else [names[(k * 7919) % len(names)]]
        if k > 1:
            for name in changed:
                content[name] = _edit_one_document(content[name], k) if edit_documents else \
                    content[name] + f"# revision {k}\n"
        who = f"Service Desk <desk@acme-rc.example> {start + k * 1800} +0000"
        message = f"Change {k}\n\n{APPROVALS}".encode()
        out.write(f"commit refs/heads/main\nauthor {who}\ncommitter {who}\n".encode())
        out.write(b"data %d\n%s\n" % (len(message), message))
        for name in changed:
            data = content[name].encode()
            out.write(f"M 100644 inline {name}\n".encode() + b"data %d\n%s\n" % (len(data), data))
    out.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    # fast-import stores each version as a delta on the one before, so reading history newest first
    # unpacks long chains (0.5 s more of git per 20,000 commits); a repository that git gc'd, or one cloned
    # from a server, keeps recent versions whole, as this repack does
    subprocess.run(["git", "repack", "-a", "-d", "-f", "-q"], cwd=root, check=True, env=env)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=root, check=True, env=env)


def generate(root: Path, docs: int, commits: int, per_file: int = 1, attest: bool = False) -> int:
    """Write the SMS and its history; the number of documents. ``per_file`` > 1: multi-document files, and
    each commit changes one line of one document (the way an SMS evolves) instead of adding a comment.
    ``attest``: a GR5.2 attestation on every cloned document."""
    files = documents(docs, attest)
    count = len(files) - 1
    if per_file > 1:
        files = multi(files, per_file)
    root.mkdir(parents=True, exist_ok=False)
    write_history(root, files, commits, edit_documents=per_file > 1)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=20000)
    parser.add_argument("--per-file", type=int, default=1,
                        help="documents per file; above 1, each commit edits one line of one document")
    parser.add_argument("--attest", action="store_true", help="a GR5.2 attestation on every cloned document")
    args = parser.parse_args()
    n = generate(args.dir, args.docs, args.commits, args.per_file, args.attest)
    print(f"{n} documents, {args.commits} commits in {args.dir}")


if __name__ == "__main__":
    main()
