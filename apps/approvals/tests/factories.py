import factory

from apps.approvals.models import ApprovalItem, ApprovalItemType, ApprovalStage
from tests.factories import ProjectFactory


class ItemTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovalItemType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test_item_{n}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    stage = ApprovalStage.ENGINEERING_PERMIT
    sequence = factory.Sequence(lambda n: 200 + n)
    committed_workdays = 5
    commitment_applies = True


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovalItem

    project = factory.SubFactory(ProjectFactory)
    item_type = factory.SubFactory(ItemTypeFactory)
    committed_workdays = factory.SelfAttribute("item_type.committed_workdays")
    commitment_applies = factory.SelfAttribute("item_type.commitment_applies")
