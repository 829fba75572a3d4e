"""Customers and suppliers: who the services are for and who the provider depends on."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from fitsm_kit.model.operations import Contact
from fitsm_kit.site.data import Site, page_of
from fitsm_kit.site.markdown import link, table, text
from fitsm_kit.site.page import Page

CUSTOMERS = "customers/index.md"
SUPPLIERS = "suppliers/index.md"


def _contacts(contacts: list[Contact]) -> Markup:
    return Markup("<br>").join(text(", ".join(p for p in (c.name, c.role, c.email, c.phone) if p))
                               for c in contacts)


def pages(site: Site) -> Iterator[Page]:
    customers = [[link(d.title, page_of(d), CUSTOMERS), d.spec.organisation,
                  site.ref(d.spec.relationship_manager, CUSTOMERS), _contacts(d.spec.contacts),
                  text(f"order: {d.spec.channels.ordering}; escalate: {d.spec.channels.escalation}; "
                       f"complain: {d.spec.channels.complaints}"),
                  site.refs(site.services_of_customer.get(d.id, []), CUSTOMERS),
                  site.refs(site.slas_of_customer.get(d.id, []), CUSTOMERS)]
                 for d in site.of_kind("Customer")]
    yield Page(CUSTOMERS, "Customers", "customers.md.j2", {"table": table(
        ["Customer", "Organisation", "Relationship manager", "Contacts", "Channels", "Services", "SLAs"],
        customers, "No customers recorded.")}, searchable=False)
    suppliers = [[link(d.title, page_of(d), SUPPLIERS), d.spec.organisation,
                  d.spec.type + (" (federation member)" if d.spec.federation_member else ""),
                  site.ref(d.spec.relationship_manager, SUPPLIERS), _contacts(d.spec.contacts),
                  site.refs(site.services_of_supplier.get(d.id, []), SUPPLIERS),
                  site.refs(site.agreements_of_supplier.get(d.id, []), SUPPLIERS)]
                 for d in site.of_kind("Supplier")]
    yield Page(SUPPLIERS, "Suppliers", "suppliers.md.j2", {"table": table(
        ["Supplier", "Organisation", "Type", "Relationship manager", "Contacts", "Services", "OLAs / UAs"],
        suppliers, "No suppliers recorded.")}, searchable=False)
