"""专项债券项目表: the bond projects of the list's scope and filters with the fields of the
published project records (融资与资本金, 建设期/运营期, 收益与覆盖倍数, 中介机构), the review
state and 双入库. Written by the one list export (apps/exports/lists.py)."""

from apps.exports.lists import ListLayout
from apps.exports.models import ExportKind
from apps.exports.writers import MONEY, SEQ, TEXT, Column

from . import rules


def bond_columns() -> list[Column]:
    money, periods, balance, pools = "资金（万元）", "建设与运营", "收益与融资自求平衡", "双入库"
    return [
        Column("序号", "seq", SEQ, 6),
        Column("项目名称", "name", width=30),
        Column("项目代码", "project_code", width=24),
        Column("所在县区", "region", width=10),
        Column("申报年度", "year", width=8),
        Column("债券类型", "kind", width=10),
        Column("投向领域", "field", width=14),
        Column("项目总投资", "total_investment", MONEY, 13, group=money, summed=True),
        Column("不含专项债的资本金", "capital_excl_bonds", MONEY, 13, group=money, summed=True),
        Column("申请专项债总额", "bond_amount", MONEY, 13, group=money, summed=True),
        Column("专项债作资本金", "bonds_as_capital", MONEY, 13, group=money, summed=True),
        Column("其他债务融资", "other_debt", MONEY, 13, group=money, summed=True),
        Column("建设期", "construction", width=22, group=periods),
        Column("运营期", "operation", width=12, group=periods),
        Column("预期收入", "expected_income", MONEY, 13, group=balance, summed=True),
        Column("成本", "expected_cost", MONEY, 13, group=balance, summed=True),
        Column("应付本息", "debt_service", MONEY, 13, group=balance, summed=True),
        Column("覆盖倍数", "coverage", TEXT, 8, group=balance),
        Column("收入来源", "revenue_source", width=16, group=balance),
        Column("会计师事务所", "accounting_firm", width=16),
        Column("律师事务所", "law_firm", width=16),
        Column("状态", "status", width=8),
        Column("国家重大建设项目库", "ndrc_pool", width=10, group=pools),
        Column("地方政府债券项目库", "mof_pool", width=10, group=pools),
    ]


def _row(bond) -> dict:
    value = rules.coverage(income=bond.expected_income, cost=bond.expected_cost, debt_service=bond.debt_service)
    return {
        "name": bond.project.name,
        "project_code": bond.project.project_code or "",
        "region": bond.project.region.name,
        "year": str(bond.year),
        "kind": bond.get_kind_display(),
        "field": bond.get_field_display(),
        "total_investment": bond.total_investment,
        "capital_excl_bonds": bond.capital_excl_bonds,
        "bond_amount": bond.bond_amount,
        "bonds_as_capital": bond.bonds_as_capital,
        "other_debt": bond.other_debt,
        "construction": f"{bond.construction_start:%Y-%m-%d}—{bond.construction_end:%Y-%m-%d}",
        "operation": f"{bond.operation_start_year}—{bond.operation_end_year}",
        "expected_income": bond.expected_income,
        "expected_cost": bond.expected_cost,
        "debt_service": bond.debt_service,
        "coverage": "" if value is None else str(value),
        "revenue_source": bond.revenue_source,
        "accounting_firm": bond.accounting_firm,
        "law_firm": bond.law_firm,
        "status": bond.get_status_display(),
        "ndrc_pool": bond.get_ndrc_pool_display(),
        "mof_pool": bond.get_mof_pool_display(),
    }


BONDS = ListLayout(
    title="专项债券项目表", columns=bond_columns, row=_row, kind=ExportKind.BONDS, sheet_name="专项债券项目"
)
