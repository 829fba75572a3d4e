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
# A description in Markdown: headings, a list, a table row, a safe and an unsafe link, an image, raw HTML.
DESCRIPTION = (f"# Heading one\n{PAYLOADS}\n\n## Sub | pipe\n- item **bold** [safe](https://ok.example/doc) "
               "[bad](javascript:window.__pwned=15)\n- ![img](https://x.example/p.png) `<b>code</b>`\n\n"
               "| a | b |\n|---|---|\n<details open ontoggle=window.__pwned=16>")
UNSAFE_URLS = {"user_manual": "javascript:window.__pwned=10", "terms_of_use": " JaVaScRiPt:window.__pwned=11",
               "privacy_policy": "java\tscript:window.__pwned=12",
               "order": "data:text/html,<script>window.__pwned=13</script>", "status": "vbscript:msgbox(1)"}
SAFE_URLS = {"webpage": 'https://acme.example/p?a=1&b=(2)"onmouseover="window.__pwned=14',
             "helpdesk": "mailto:help@acme.example"}
LONG = ("Runs **very** long <script>window.__pwned=17</script> batch jobs | on [GPUs](javascript:window.__pwned=18) "
        + "and on many other kinds of hardware that the research groups of the university bring along " * 3
        + "to the data centre. A second sentence that no table shows.")

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
          description: {json.dumps(DESCRIPTION)}
          lifecycle_status: design
          customer_facing: true
          value_proposition: "![x](javascript:window.__pwned=6) `code` *not em*"
          depends_on: [cloud-compute]
          components:
            - {{id: "c1 <b>bold</b>", description: "{{: onclick=window.__pwned=7 }}"}}
          tagline: {json.dumps(SCRIPT + " tag | line")}
          categories: ["Compute | <b>VM</b>", "[x](javascript:window.__pwned=9)"]
          scientific_domains: ["# Not a heading"]
          target_users: ["<img src=x onerror=window.__pwned=19>"]
          access_modes: ["*free* | open"]
          order_type: open-access
          trl: 7
          tags: ["`tag`", "{{: .x }}"]
          links: {json.dumps({**UNSAFE_URLS, **SAFE_URLS})}
        """,
    "services/long-story.yaml": f"""\
        apiVersion: fitsm.eu/v1
        kind: Service
        metadata:
          id: long-story
          title: Long story batch
          owner: david-chen
          status: approved
          approval: {{approved_by: carla-rossi, approved_on: 2026-10-05}}
        spec:
          description: {json.dumps(LONG)}
          lifecycle_status: live
          customer_facing: true
        """,
    "services/tagged.yaml": """\
        apiVersion: fitsm.eu/v1
        kind: Service
        metadata:
          id: tagged
          title: Tagged service
          owner: david-chen
          status: approved
          approval: {approved_by: carla-rossi, approved_on: 2026-10-05}
        spec:
          description: "A description the catalogue does not show. It has a second sentence."
          tagline: "What it is for, in one line | with a pipe"
          lifecycle_status: live
          customer_facing: true
          categories: [Storage]
          target_users: [Researchers]
          order_type: order-required
          trl: 9
        """,
    "customers/segment-xss.yaml": f"""\
        apiVersion: fitsm.eu/v1
        kind: Customer
        metadata:
          id: segment-xss
          title: Open access users
          owner: eva-novak
          status: approved
          approval: {{approved_by: carla-rossi, approved_on: 2026-10-05}}
        spec:
          segment: {json.dumps("Researchers | " + SCRIPT)}
          email: "users@acme.example"
          address: {json.dumps("[Street](javascript:window.__pwned=20) 1 | 12345 Town")}
          relationship_manager: eva-novak
          channels: {{complaints: helpdesk}}
        """,
    "agreements/ola-xss.yaml": f"""\
        apiVersion: fitsm.eu/v1
        kind: OLA
        metadata:
          id: ola-xss
          title: OLA template for the probe
          owner: carla-rossi
          status: approved
          approval: {{approved_by: carla-rossi, approved_on: 2026-10-05}}
          review: {{interval: P12M, last_reviewed: 2026-10-05}}
        spec:
          signatories:
            - {{supplier: datacentre-ops, signed_on: 2026-10-06, contract_ref: {json.dumps(SCRIPT)}}}
            - {{supplier: network-team, signed_on: 2026-10-07, counterpart: datacentre-ops}}
          supports: [{{service: xss-probe}}, {{service: cloud-compute}}]
          validity: {{start: 2026-10-01}}
          service_hours: {{always: true, timezone: Europe/Berlin}}
          support: {{contact: ops@acme-rc.example}}
          targets:
            - {{id: unknown, metric: unknown, value: 10, unit: "%", services: [xss-probe],
               consequence: {json.dumps("suspension | " + SCRIPT)}}}
            - {{id: queue, metric: other, value: 5, unit: count, direction: at-most}}
            - {{id: free, metric: other, value: 1, unit: other}}
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
          reporting: [report-sla-quarterly]
        """,
}


def hostile_sms(root: Path) -> Path:
    """A copy of ``examples/acme`` dated :data:`AS_OF`, with a service, an SLA, an OLA template and a customer
    segment full of hostile text, and two live catalogue services (a long description, a tagline)."""
    shutil.copytree(EXAMPLES / "acme", root)
    config = root / "fitsm.yaml"
    config.write_text(re.sub(r"(?m)^as_of: .*$", f"as_of: {AS_OF}", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    for rel, body in HOSTILE.items():
        (root / rel).write_text(textwrap.dedent(body), encoding="utf-8")
    catalogue = root / "services" / "catalogue.yaml"
    listed = catalogue.read_text(encoding="utf-8").replace("hpc-batch]", "hpc-batch, long-story, tagged]")
    catalogue.write_text(listed, encoding="utf-8")
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


_AGREEMENT = """---
apiVersion: fitsm.eu/v1
kind: {kind}
metadata:
  id: {id}
  title: {title}
  owner: carla-rossi
  status: {status}
  approval: {{approved_by: carla-rossi, approved_on: 2026-02-09}}
  review: {{interval: P6M}}
spec:
  {parties}
  validity: {{start: {start}, end: 2027-06-30}}
  service_hours: {{always: true, timezone: Europe/Berlin}}
  support: {{contact: ops@acme-rc.example}}
{targets}
"""
_TARGETS = '  targets: [{id: availability, metric: availability, value: 99.9, unit: "%", period: P3M}]'
# (kind, id, status, what it agrees with, validity start, targets): each an agreement the examples lack.
EDGES = [
    ("SLA", "sla-draft", "draft", "type: specific\n  customer: bio-institute\n  services: [hpc-batch]", "2026-01-01",
     _TARGETS),  # valid today, but not agreed
    ("SLA", "sla-incomplete", "approved", "type: specific\n  customer: physics-dept\n  services: [object-storage]",
     "2026-01-01", ""),  # agreed, but without targets: it promises nothing
    ("OLA", "ola-only-bio", "approved", "supplier: nordhalle\n  supports: [{service: object-storage}]\n"
     "  supports_slas: [sla-bio-institute]", "2026-01-01", _TARGETS),  # behind one of the SLAs over its service
    ("OLA", "ola-every-sla", "approved", "supplier: network-team\n  supports: [{service: hpc-batch}]", "2026-01-01",
     _TARGETS),  # supports_slas empty: behind every SLA over hpc-batch, the draft too
    ("OLA", "ola-next-year", "approved", "supplier: datacentre-ops\n  supports: [{service: cloud-compute}]",
     "2027-01-01", _TARGETS),  # agreed, not yet valid
    ("UA", "ua-names-other", "approved", "supplier: serverhaus\n  supports: [{service: cloud-compute}]\n"
     "  supports_slas: [sla-draft]", "2026-01-01", _TARGETS),  # names an SLA over none of its services
]
SERVICES = """\
    ---
    apiVersion: fitsm.eu/v1
    kind: Service
    metadata:
      id: svc-approved-only
      title: Approved, never reviewed since
      owner: david-chen
      status: approved
      approval: {approved_by: carla-rossi, approved_on: 2026-01-10}
      review: {interval: P6M}
    spec:
      description: Its first review counts from its approval, as the review rules count it.
      lifecycle_status: design
      customer_facing: false
    ---
    apiVersion: fitsm.eu/v1
    kind: Service
    metadata:
      id: svc-draft
      title: A draft is not due for review
      owner: david-chen
      status: draft
      review: {interval: P1M, last_reviewed: 2026-01-10}
    spec:
      description: Drafts are not due for review until approved.
      lifecycle_status: proposed
    """


def edge_sms(root: Path) -> Path:
    """``examples/acme`` with agreements and services whose derived facts are easy to get wrong: a draft
    and an incomplete SLA, OLAs behind one SLA, every SLA or none yet, a UA naming an SLA it cannot back,
    a service reviewed only by its approval and a draft service."""
    shutil.copytree(EXAMPLES / "acme", root)
    docs = [_AGREEMENT.format(kind=k, id=i, title=f"{k} {i}", status=st, parties=pa, start=sv, targets=t)
            for k, i, st, pa, sv, t in EDGES]
    (root / "agreements" / "edges.yaml").write_text("".join(docs), encoding="utf-8")
    (root / "services" / "edges.yaml").write_text(textwrap.dedent(SERVICES), encoding="utf-8")
    return root
