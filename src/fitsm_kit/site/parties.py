"""Customers and suppliers: who the services are for and who the provider depends on."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from fitsm_kit.model.operations import Contact
from fitsm_kit.site.data import Site, page_of
from fitsm_kit.site.markdown import link, text
from fitsm_kit.site.page import Page
from fitsm_kit.site.paging import paged_table
from fitsm_kit.sms.index import Doc

CUSTOMERS = "customers/index.md"
SUPPLIERS = "suppliers/index.md"


def _contacts(contacts: list[Contact]) -> Markup:
    return Markup("<br>").join(text(", ".join(p for p in (c.name, c.role, c.email, c.phone) if p))
                               for c in contacts)


def pages(site: Site) -> Iterator[Page]:
    """The customer and supplier registers; long ones go on linked parts, so a page does not grow with the SMS."""

    def customer(d: Doc, page: str) -> list[object]:
        spec = d.spec
        channels = spec.channels
        # A segment (a user community) has no organisation that signs; it is covered by the default SLA.
        who = text(spec.organisation) if spec.organisation else \
            text(f"Segment: {spec.segment}") if spec.segment else text("—")
        contact = [text(spec.email) if spec.email else Markup(""), text(spec.address) if spec.address else Markup("")]
        contact.append(_contacts(spec.contacts))
        shown = [f"{name}: {value}" for name, value in (("general", channels.general), ("order", channels.ordering),
                 ("escalate", channels.escalation), ("complain", channels.complaints)) if value]
        return [link(d.title, page_of(d), page), who, site.ref(spec.relationship_manager, page),
                Markup("<br>").join(c for c in contact if c), text("; ".join(shown)),
                site.refs(site.services_of_customer.get(d.id, []), page),
                site.refs(site.slas_of_customer.get(d.id, []), page)]

    def supplier(d: Doc, page: str) -> list[object]:
        kind = (d.spec.type or "—") + (" (federation member)" if d.spec.federation_member else "")
        return [link(d.title, page_of(d), page), d.spec.organisation or "", kind,
                site.ref(d.spec.relationship_manager, page), _contacts(d.spec.contacts),
                site.refs(site.services_of_supplier.get(d.id, []), page),
                site.refs(site.agreements_of_supplier.get(d.id, []), page)]

    headers = ["Customer", "Organisation or segment", "Relationship manager", "Contact", "Channels", "Services",
               "Specific SLAs"]
    shown, more = paged_table(site.of_kind("Customer"), customer, headers, CUSTOMERS, "customers", "Customers",
                              "No customers recorded.")
    yield from more
    yield Page(CUSTOMERS, "Customers", "customers.md.j2", {"table": shown}, searchable=False)
    shown, more = paged_table(site.of_kind("Supplier"), supplier, ["Supplier", "Organisation", "Type",
                              "Relationship manager", "Contacts", "Services", "OLAs / UAs"], SUPPLIERS, "suppliers",
                              "Suppliers", "No suppliers recorded.")
    yield from more
    yield Page(SUPPLIERS, "Suppliers", "suppliers.md.j2", {"table": shown}, searchable=False)
