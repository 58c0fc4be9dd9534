"""Rows written directly, for setting up data without going through the services under test."""

import datetime
from decimal import Decimal

import factory

from apps.attraction.models import InvestmentLead, LeadSource, LeadStage, LeadStageEvent
from tests import factories as f

TODAY = datetime.date(2026, 12, 1)


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvestmentLead
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"新能源电池项目{n}")
    investor_name = factory.Sequence(lambda n: f"某某新能源科技有限公司{n}")
    region = factory.SubFactory(f.RegionFactory)
    industry_code = "C3841"
    encouraged_industry = True
    intended_investment = Decimal("50000")
    source = LeadSource.EXPO
    attraction_unit = factory.SubFactory(f.DepartmentFactory)
    attraction_person = "张三"
    received_on = datetime.date(2025, 10, 1)
    stage = LeadStage.LEAD
    stage_since = factory.SelfAttribute("received_on")
    created_by = factory.SubFactory(f.UserFactory)

    @factory.post_generation
    def first_event(self, create, extracted, **kwargs):
        if create:
            LeadStageEvent.objects.create(
                lead=self, stage=LeadStage.LEAD, entered_on=self.received_on, recorded_by=self.created_by
            )


def lead_with_history(*, events: dict, contract: tuple | None = None, funds=(), project=None, **fields):
    """A lead whose stage trail is `events` (stage → date, in order; the last is the current
    stage), with an optional contract (amount, signed_on) and funds [(date, amount)]."""
    from apps.attraction.models import LeadContract, LeadFundsArrival

    stages = list(events)
    lead = LeadFactory(
        received_on=events[LeadStage.LEAD],
        stage=stages[-1],
        stage_since=events[stages[-1]],
        project=project,
        **fields,
    )
    for stage in stages[1:]:
        LeadStageEvent.objects.create(lead=lead, stage=stage, entered_on=events[stage], recorded_by=lead.created_by)
    if contract:
        LeadContract.objects.create(lead=lead, amount=Decimal(contract[0]), signed_on=contract[1], counterpart="县政府")
    for day, amount in funds:
        LeadFundsArrival.objects.create(lead=lead, arrived_on=day, amount=Decimal(amount), recorded_by=lead.created_by)
    return lead
