"""Moving a lead forward through the services (the path every stage test needs)."""

import datetime
from decimal import Decimal

from apps.attraction import services
from apps.attraction.models import InvestmentLead, LeadStage
from apps.core.tests.versions import stored_version
from tests import factories as f

D = datetime.date
CODE = f.credit_code(424242)
WALK_START = D(2026, 6, 1)


def walk_to(actor, lead, stage, *, start=WALK_START, project_code="2026-610302-48-01-990001"):
    """Move `lead` forward through the services, one stage a week from `start`."""
    day = start
    order = [
        LeadStage.ASSESSING,
        LeadStage.NEGOTIATING,
        LeadStage.SIGNED,
        LeadStage.REGISTERED,
        LeadStage.LAND_SUPPLIED,
        LeadStage.STARTED,
    ]
    for step in order:
        if InvestmentLead.objects.get(pk=lead.pk).stage == stage:
            break
        day += datetime.timedelta(days=7)
        if step == LeadStage.SIGNED:
            services.lead_sign(
                actor=actor,
                lead_id=lead.pk,
                amount=Decimal("30000"),
                signed_on=day,
                counterpart="甲区人民政府",
                expected_version=stored_version(InvestmentLead, lead.pk),
            )
        elif step == LeadStage.REGISTERED:
            services.lead_mark_registered(
                actor=actor,
                lead_id=lead.pk,
                on=day,
                credit_code=CODE,
                enterprise_name="甲区新能源有限公司",
                expected_version=stored_version(InvestmentLead, lead.pk),
            )
        elif step == LeadStage.STARTED:
            services.lead_start(
                actor=actor,
                lead_id=lead.pk,
                on=day,
                project_code=project_code,
                expected_version=stored_version(InvestmentLead, lead.pk),
            )
        else:
            services.lead_advance(
                actor=actor,
                lead_id=lead.pk,
                stage=step,
                on=day,
                expected_version=stored_version(InvestmentLead, lead.pk),
            )
    lead.refresh_from_db()
    return lead
