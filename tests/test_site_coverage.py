"""The site shows the coverage the rules compute: the same SLAs per service, services per SLA, OLAs per SLA.

A default SLA without a catalogue covers every live customer-facing service (rule live-service-has-sla
counts it); the site once said "No SLA covers it" there. An OLA whose ``supports_slas`` is empty supports
every SLA over the services it supports; the site once said "Supports these SLAs: None.".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fitsm_kit.engine.run import check_sms
from fitsm_kit.model.service import Lifecycle
from fitsm_kit.rules.base import Context
from fitsm_kit.rules.pr_agreements import covering_slas, sla_services, supporting
from fitsm_kit.rules.pr_chain import chain
from fitsm_kit.site.agreements import supporting_agreements
from fitsm_kit.site.data import build_site
from fitsm_kit.sms.config import load_config

from conftest import EXAMPLES

HERE = Path(__file__).resolve().parent
ROOTS = [EXAMPLES / "acme", EXAMPLES / "federation", HERE / "conformity" / "sms" / "federation-cloud"]


@pytest.mark.parametrize("root", ROOTS, ids=lambda r: r.name)
def test_site_coverage_is_the_rules_coverage(root: Path) -> None:
    config = load_config(root)
    assert config.as_of is not None
    sms, result = check_sms(root, config, config.as_of)
    site = build_site(sms, result)
    ctx = Context(sms=sms, config=config, as_of=config.as_of)
    services = sms.of_kind("Service")
    assert services
    for service in services:
        shown = set(site.slas_of_service.get(service.id, []))
        assert shown == {s.id for s in covering_slas(ctx, service.id)}, service.id
        if service.spec.lifecycle_status is Lifecycle.LIVE and service.spec.customer_facing:
            assert shown, f"{service.id}: the site would say 'No SLA covers it'"
    for sla in sms.of_kind("SLA"):
        assert site.services_of_sla(sla) == list(dict.fromkeys(sla_services(sms, sla))), sla.id
        behind = {a.id for link in chain(ctx, sla) for a in link.agreements}
        assert behind <= set(supporting_agreements(site, sla)), sla.id
    for agreement in sms.of_kind("OLA", "UA"):
        shown_slas = set(supporting_agreements(site, agreement))
        backed = {sla.id for sla in sms.of_kind("SLA")
                  if any(a.id == agreement.id for link in chain(ctx, sla) for a in link.agreements)}
        assert backed <= shown_slas, agreement.id
        for covered in agreement.spec.supports or ():
            if agreement in supporting(ctx, covered.service) and not agreement.spec.supports_slas:
                assert shown_slas, f"{agreement.id}: the site would say 'Supports these SLAs: None.'"
