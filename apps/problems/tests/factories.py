"""Factories of the problems tests: rows written directly, for setting up data without
going through the services under test."""

import datetime

import factory

from apps.problems.models import (
    EscalationLevel,
    Letter,
    LetterKind,
    Meeting,
    MeetingKind,
    Problem,
    ProblemStatus,
    ProblemType,
    SupervisedAction,
)
from tests import factories as f

TODAY = datetime.date(2026, 5, 20)


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem

    project = factory.SubFactory(f.ProjectFactory)
    problem_type = ProblemType.LAND
    description = factory.Sequence(lambda n: f"征地补偿未落实{n}")
    raised_by = factory.SubFactory(f.UserFactory)
    raised_on = TODAY - datetime.timedelta(days=5)
    responsible_department = factory.SubFactory(f.DepartmentFactory)
    deadline = TODAY + datetime.timedelta(days=30)
    status = ProblemStatus.OPEN
    level = EscalationLevel.LEAD_OFFICIAL
    level_since = TODAY - datetime.timedelta(days=5)
    level_due_date = TODAY + datetime.timedelta(days=10)


class LetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Letter

    problem = factory.SubFactory(ProblemFactory)
    kind = LetterKind.SUPERVISION
    issuer_code = "610300"
    issuer_name = "示范市发展和改革委员会"
    year = 2026
    number = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda o: f"示范市发改督〔2026〕{o.number}号")
    addressee = factory.LazyAttribute(lambda o: o.problem.responsible_department)
    title = "关于测试问题的督办函"
    matter = "请抓紧协调。"
    deadline = TODAY + datetime.timedelta(days=10)
    issued_on = TODAY - datetime.timedelta(days=1)
    issued_by = factory.SubFactory(f.UserFactory)
    document = b""


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = MeetingKind.SPECIAL_MEETING
    title = factory.Sequence(lambda n: f"专题会议{n}")
    region = factory.SubFactory(f.RegionFactory)
    held_on = TODAY - datetime.timedelta(days=3)
    created_by = factory.SubFactory(f.UserFactory)


class SupervisedActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisedAction

    meeting = factory.SubFactory(MeetingFactory)
    decision = factory.Sequence(lambda n: f"议定事项{n}")
    owner = factory.SubFactory(f.DepartmentFactory)
    deadline = TODAY + datetime.timedelta(days=20)
