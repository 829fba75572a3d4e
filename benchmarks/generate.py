"""Generate a large SMS in fitsm-kit's format, with a long Git history, for benchmarks.

    python benchmarks/generate.py DIR --docs 5000 --commits 20000

The SMS has people, role assignments, the 14 process definitions, services with components and
suppliers, SLAs, OLAs, UAs, customers, suppliers, risks, controls and report specifications, one
document per file (so ``--docs`` is also the number of files). History is written with
``git fast-import`` in one stream: the first commit adds every file, each later commit changes one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
from pathlib import Path

PROCESSES = ["SPM", "SLM", "SRM", "SACM", "CAPM", "ISM", "CRM", "SUPPM", "ISRM", "PM", "CONFM", "CHM", "RDM", "CSI"]
META = """apiVersion: fitsm.eu/v1
kind: {kind}
metadata:
  id: {id}
  title: {title}
  owner: {owner}
  status: approved
  version: "1.0"
  approval: {{approved_by: p0, approved_on: 2026-03-01}}
  review: {{interval: P12M, last_reviewed: 2026-03-01}}
spec:
"""


def doc(kind: str, doc_id: str, spec: str, owner: str = "p1", title: str = "") -> str:
    return META.format(kind=kind, id=doc_id, title=title or f"{kind} {doc_id}", owner=owner) + spec


def person(i: int) -> str:
    return doc("Person", f"p{i}", f"  name: Person {i}\n  email: p{i}@example.org\n  github: p{i}\n"
               f"  top_management: {'true' if i == 0 else 'false'}\n", owner="p0")


def roles() -> str:
    lines = ["  assignments:", "    - {role: sms-owner, person: p0}", "    - {role: sms-manager, person: p1}"]
    for code in PROCESSES:
        lines += [f"    - {{role: process-owner, process: {code}, person: p0}}",
                  f"    - {{role: process-manager, process: {code}, person: p1}}"]
    return doc("RoleAssignment", "roles", "\n".join(lines) + "\n", owner="p0")


def process(code: str) -> str:
    spec = (f"  code: {code}\n  goals: [Run {code} well]\n  inputs: [Requests]\n  activities: [Do the work]\n"
            f"  outputs: [Records]\n  roles: [{{role: Process manager}}]\n"
            f"  interfaces: [{{process: SLM, description: Exchanges information}}]\n")
    return doc("Process", f"process-{code.lower()}", spec, owner="p0")


HOURS = "  service_hours: {always: true, timezone: Europe/Berlin}\n  support: {contact: desk@example.org}\n"
TARGETS = "  targets:\n    - {id: availability, metric: availability, value: %s, unit: \"%%\"}\n"


def documents(n: int) -> dict[str, str]:
    """About ``n`` documents: a fixed core plus repeating service bundles of 8 documents."""
    files = {"fitsm.yaml": "as_of: 2026-11-26\n", "general/roles.yaml": roles()}
    for i in range(10):
        files[f"people/p{i}.yaml"] = person(i)
    for code in PROCESSES:
        files[f"processes/{code.lower()}.yaml"] = process(code)
    bundles = max(1, (n - len(files) + 1) // 8)
    for b in range(bundles):
        svc, cus, ins, ext = f"svc-{b}", f"cus-{b}", f"int-{b}", f"ext-{b}"
        files[f"customers/{cus}.yaml"] = doc("Customer", cus, (
            "  organisation: Customer org\n  relationship_manager: p2\n"
            "  channels: {ordering: portal, escalation: phone, complaints: mail}\n  service_review_interval: P12M\n"))
        for sup, kind in ((ins, "internal"), (ext, "external")):
            files[f"suppliers/{sup}.yaml"] = doc("Supplier", sup, (
                f"  organisation: Supplier {sup}\n  type: {kind}\n  relationship_manager: p3\n"
                "  contacts: [{name: Contact}]\n  channels: {escalation: phone}\n"))
        files[f"services/{svc}.yaml"] = doc("Service", svc, (
            f"  description: Service number {b}\n  lifecycle_status: live\n  customers: [{cus}]\n"
            f"  components:\n    - {{id: core, supplier: {ins}}}\n    - {{id: net, supplier: {ext}}}\n"
            f"  suppliers:\n    - {{supplier: {ins}, role: operations}}\n    - {{supplier: {ext}, role: network}}\n"
            "  monitoring: {tool: Zabbix}\n"), owner="p4")
        files[f"agreements/sla-{b}.yaml"] = doc("SLA", f"sla-{b}", (
            f"  type: specific\n  customer: {cus}\n  services: [{svc}]\n  validity: {{start: 2026-01-01}}\n"
            + HOURS + TARGETS % "99.0"))
        files[f"agreements/ola-{b}.yaml"] = doc("OLA", f"ola-{b}", (
            f"  supplier: {ins}\n  supports: [{{service: {svc}, component: core}}]\n  validity: {{start: 2026-01-01}}\n"
            + HOURS + TARGETS % "99.9"))
        files[f"agreements/ua-{b}.yaml"] = doc("UA", f"ua-{b}", (
            f"  supplier: {ext}\n  supports: [{{service: {svc}, component: net}}]\n  validity: {{start: 2026-01-01}}\n"
            + HOURS + TARGETS % "99.9"))
        files[f"risks/risk-{b}.yaml"] = doc("Risk", f"risk-{b}", (
            f"  category: security\n  description: Risk {b}\n  services: [{svc}]\n  probability: 2\n  impact: 2\n"
            "  assessed_on: 2026-03-01\n"))
    return files


def write_history(root: Path, files: dict[str, str], commits: int) -> None:
    """One fast-import stream: commit 1 adds all files, commit k > 1 appends a line to one file."""
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
                content[name] += f"# revision {k}\n"
        who = f"Person {k % 10} <p{k % 10}@example.org> {start + k * 1800} +0000"
        message = f"Change {k}\n\nReviewed-by: Person {(k + 1) % 10} <p{(k + 1) % 10}@example.org>\n".encode()
        out.write(f"commit refs/heads/main\nauthor {who}\ncommitter {who}\n".encode())
        out.write(b"data %d\n%s\n" % (len(message), message))
        for name in changed:
            data = content[name].encode()
            out.write(f"M 100644 inline {name}\n".encode() + b"data %d\n%s\n" % (len(data), data))
    out.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=root, check=True, env=env)


def generate(root: Path, docs: int, commits: int) -> int:
    files = documents(docs)
    root.mkdir(parents=True, exist_ok=False)
    write_history(root, files, commits)
    return len(files) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=20000)
    args = parser.parse_args()
    n = generate(args.dir, args.docs, args.commits)
    print(f"{n} documents, {args.commits} commits in {args.dir}")


if __name__ == "__main__":
    main()
