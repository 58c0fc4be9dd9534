"""The catalogue the city starts with: the four stages of the engineering-construction approval
reform (工程建设项目审批制度改革) and their usual items, time limits in working days, whether the
commitment rule applies, and which item must wait for which (the rest run in parallel).

The administrator edits it afterwards (admin, API); seeding again adds only missing codes.
"""

from .models import ApprovalStage, Establishment

S1, S2, S3, S4 = (
    ApprovalStage.APPROVAL_AND_LAND,
    ApprovalStage.ENGINEERING_PERMIT,
    ApprovalStage.CONSTRUCTION_PERMIT,
    ApprovalStage.COMPLETION_ACCEPTANCE,
)
ESTABLISHMENT_CODES = ("project_approval_approval", "project_approval_ratification", "project_approval_filing")
# The whole process runs from the establishment (立项) to this item.
CONSTRUCTION_PERMIT_CODE = "construction_permit"

# code, name, stage, sequence, authority keyword, committed working days, commitment applies,
# prerequisites (those on the project's checklist), establishment, categories (empty: all)
SEED = [
    ("land_pre_review", "用地预审与选址意见书", S1, 10, "自然资源", 20, True, [], "", []),
    ("project_approval_approval", "项目审批（可行性研究报告批复）", S1, 20, "发展和改革", 20, True,
     ["land_pre_review"], Establishment.APPROVAL, []),
    ("project_approval_ratification", "项目核准", S1, 21, "发展和改革", 20, True,
     ["land_pre_review"], Establishment.RATIFICATION, []),
    ("project_approval_filing", "项目备案", S1, 22, "发展和改革", 3, True, [], Establishment.FILING, []),
    ("land_planning_permit", "建设用地规划许可证", S1, 30, "自然资源", 10, True, list(ESTABLISHMENT_CODES), "", []),
    ("land_grant", "用地批准（供地）", S1, 40, "自然资源", 20, False, ["land_planning_permit"], "", []),
    ("works_planning_permit", "建设工程规划许可证", S2, 50, "自然资源", 10, True, ["land_planning_permit"], "", []),
    ("environmental_assessment", "环境影响评价审批", S2, 60, "生态环境", 20, True, [], "", []),
    ("soil_water_plan", "水土保持方案审批", S2, 70, "水利", 15, True, [], "", []),
    ("energy_review", "节能审查", S2, 80, "发展和改革", 15, True, [], "", []),
    ("road_works_permit", "涉路工程建设许可", S2, 90, "交通运输", 15, True, [], "", ["infrastructure"]),
    ("drawing_review", "施工图设计文件审查", S3, 100, "住房和城乡建设", 10, False, ["works_planning_permit"], "", []),
    (CONSTRUCTION_PERMIT_CODE, "建筑工程施工许可证", S3, 110, "住房和城乡建设", 3, False,
     ["land_grant", "works_planning_permit", "drawing_review", "environmental_assessment"], "", []),
    ("completion_acceptance", "竣工验收备案", S4, 120, "住房和城乡建设", 5, False, [CONSTRUCTION_PERMIT_CODE], "", []),
]  # fmt: skip


def catalogue_seed(item_type_model=None, organisation_model=None) -> int:
    """Add the catalogue's missing item types and link departments by name; returns how many
    were added. Initial data, like seed_demo: no change records. Takes the models so that the
    data migration can pass its historical ones."""
    if item_type_model is None:
        from apps.regions.models import Organisation

        from .models import ApprovalItemType

        item_type_model, organisation_model = ApprovalItemType, Organisation
    existing = set(item_type_model.objects.values_list("code", flat=True))
    created = {}
    for code, name, stage, sequence, hint, workdays, applies, _prereq, establishment, categories in SEED:
        if code in existing:
            continue
        created[code] = item_type_model.objects.create(
            code=code,
            name=name,
            stage=stage,
            sequence=sequence,
            authority_hint=hint,
            committed_workdays=workdays,
            commitment_applies=applies,
            establishment=establishment,
            categories=categories,
        )
    by_code = {t.code: t for t in item_type_model.objects.filter(code__in=[row[0] for row in SEED])}
    for code, *_middle, prerequisites, _establishment, _categories in SEED:
        if code in created:
            created[code].prerequisites.set([by_code[p] for p in prerequisites if p in by_code])
    catalogue_link_authorities(item_type_model, organisation_model)
    return len(created)


def catalogue_link_authorities(item_type_model, organisation_model) -> int:
    """Give item types without an authority the city-level department whose name contains
    their keyword (the first by id). Returns how many were linked."""
    linked = 0
    departments = list(organisation_model.objects.filter(kind="department").order_by("id").values_list("pk", "name"))
    for item_type in item_type_model.objects.filter(authority__isnull=True).exclude(authority_hint=""):
        match = next((pk for pk, name in departments if item_type.authority_hint in name), None)
        if match is not None:
            item_type.authority_id = match
            item_type.save(update_fields=["authority"])
            linked += 1
    return linked
