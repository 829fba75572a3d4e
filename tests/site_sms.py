"""SMS trees for the site tests: the clean example with hostile text added, and a generated SMS of N services."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

from conftest import EXAMPLES, write_tree

AS_OF = "2027-03-01"  # later than the example's date: some reviews are overdue, some upcoming
# Each payload sets window.__pwned if it ever runs; the browser test checks it stays undefined.
SCRIPT = "<script>window.__pwned=1</script>"
PAYLOADS = (f"{SCRIPT} <img src=x onerror=\"window.__pwned=2\"> [click](javascript:window.__pwned=3) "
            "<a href='javascript:window.__pwned=4'>link</a>")
TITLE = "Probe </title><script>window.__pwned=5</script> & co"

HOSTILE = {
    "services/xss-probe.yaml": f"""\
        apiVersion: fitsm.eu/v1
        kind: Service
        metadata:
          id: xss-probe
          title: {json.dumps(TITLE)}
          owner: david-chen
          status: draft
          review: {{last_reviewed: 2026-10-05}}
        spec:
          description: {json.dumps(PAYLOADS)}
          lifecycle_status: design
          customer_facing: true
          value_proposition: "![x](javascript:window.__pwned=6) `code` *not em*"
          depends_on: [cloud-compute]
          components:
            - {{id: "c1 <b>bold</b>", description: "{{: onclick=window.__pwned=7 }}"}}
        """,
    "agreements/sla-xss.yaml": f"""\
        apiVersion: fitsm.eu/v1
        kind: SLA
        metadata:
          id: sla-xss
          title: SLA for the probe
          owner: eva-novak
          status: draft
          review: {{interval: P12M, last_reviewed: 2026-10-05}}
        spec:
          type: specific
          customer: bio-institute
          services: [xss-probe]
          description: {json.dumps(PAYLOADS)}
          validity: {{start: 2026-10-01, end: 2027-04-30}}
          service_hours: {{always: true, timezone: Europe/Berlin}}
          support: {{contact: {json.dumps(SCRIPT)}}}
          targets:
            - {{id: availability, metric: availability, value: 99.5, unit: "%", description: {json.dumps(PAYLOADS)}}}
        """,
}


def hostile_sms(root: Path) -> Path:
    """A copy of ``examples/acme`` dated :data:`AS_OF`, with a service and an SLA full of hostile text."""
    shutil.copytree(EXAMPLES / "acme", root)
    config = root / "fitsm.yaml"
    config.write_text(re.sub(r"(?m)^as_of: .*$", f"as_of: {AS_OF}", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    for rel, body in HOSTILE.items():
        (root / rel).write_text(textwrap.dedent(body), encoding="utf-8")
    return root


def generated_sms(root: Path, services: int) -> Path:
    """A small SMS with ``services`` services, each with its own customer, supplier, SLA and OLA."""
    meta = ("apiVersion: fitsm.eu/v1\nkind: {kind}\nmetadata:\n  id: {id}\n  title: {kind} {id}\n  owner: p1\n"
            "  status: approved\n  approval: {{approved_by: p1, approved_on: 2026-01-05}}\n"
            "  review: {{interval: P12M, last_reviewed: 2026-01-05}}\nspec:\n")
    hours = "  service_hours: {always: true}\n  support: {contact: desk@example.org}\n"
    target = "  targets: [{id: availability, metric: availability, value: 99, unit: \"%\"}]\n"
    files = {"people.yaml": meta.format(kind="Person", id="p1") + "  name: Pat One\n  email: p1@example.org\n"}
    for i in range(services):
        files[f"s{i}.yaml"] = "---\n".join([
            meta.format(kind="Customer", id=f"cus-{i}") + "  organisation: Org\n  relationship_manager: p1\n"
            "  channels: {ordering: portal, escalation: phone, complaints: mail}\n",
            meta.format(kind="Supplier", id=f"sup-{i}") + "  organisation: Sup\n  type: internal\n"
            "  relationship_manager: p1\n  channels: {escalation: phone}\n",
            meta.format(kind="Service", id=f"svc-{i}") + f"  description: Service {i}\n  lifecycle_status: live\n"
            f"  customers: [cus-{i}]\n  components: [{{id: core, supplier: sup-{i}}}]\n"
            f"  suppliers: [{{supplier: sup-{i}, role: operations}}]\n",
            meta.format(kind="SLA", id=f"sla-{i}") + f"  type: specific\n  customer: cus-{i}\n"
            f"  services: [svc-{i}]\n  validity: {{start: 2026-01-01}}\n" + hours + target,
            meta.format(kind="OLA", id=f"ola-{i}") + f"  supplier: sup-{i}\n  supports: [{{service: svc-{i}}}]\n"
            f"  supports_slas: [sla-{i}]\n  validity: {{start: 2026-01-01}}\n" + hours + target,
        ])
    return write_tree(root, {"fitsm.yaml": "as_of: 2026-11-26\n", **files})
