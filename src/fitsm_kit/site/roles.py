"""The FitSM-3 roles matrix: who holds which role, per person and per process."""

from __future__ import annotations

from collections import defaultdict

from fitsm_kit.model.base import ProcessCode
from fitsm_kit.model.general import Role
from fitsm_kit.site.data import Site
from fitsm_kit.site.markdown import table, text
from fitsm_kit.site.page import Page

PAGE = "roles/index.md"
_ROLES = {Role.SMS_OWNER: "SMS owner", Role.SMS_MANAGER: "SMS manager", Role.PROCESS_OWNER: "Process owner",
          Role.PROCESS_MANAGER: "Process manager", Role.PROCESS_STAFF: "Process staff", Role.OTHER: "Other"}


def page(site: Site) -> Page:
    """People × roles (a cell lists the processes, or ✓ for SMS-wide roles), and processes × owner / manager."""
    held: defaultdict[str, defaultdict[Role, list[str]]] = defaultdict(lambda: defaultdict(list))
    by_process: defaultdict[str, defaultdict[Role, list[str]]] = defaultdict(lambda: defaultdict(list))
    for _, _, a in site.sms.assignments():
        process = a.process.value if a.process else ""
        held[a.person][a.role].append(process or a.title or "✓")
        if process:
            by_process[process][a.role].append(a.person)
    people = sorted(held, key=lambda p: site.name(site.docs[p]) if p in site.docs else p)
    rows = [[site.ref(person, PAGE), *(", ".join(dict.fromkeys(held[person][role])) for role in _ROLES)]
            for person in people]
    process_rows = [[code.value, *(site.refs(by_process[code.value][role], PAGE) or text("—")
                                   for role in (Role.PROCESS_OWNER, Role.PROCESS_MANAGER, Role.PROCESS_STAFF))]
                    for code in ProcessCode]
    unassigned = sorted(d.id for d in site.of_kind("Person") if d.id not in held)
    return Page(PAGE, "Roles", "roles.md.j2", {
        "people": table(["Person", *_ROLES.values()], rows, "No role assignments recorded."),
        "processes": table(["Process", "Owner", "Manager", "Staff"], process_rows),
        "unassigned": site.refs(unassigned, PAGE) or text("none"),
    }, searchable=False)
