"""The 红黄灯 list for the one list export (apps/exports/lists.py)."""

from apps.exports.lists import ListLayout, numbered
from apps.exports.writers import COUNT, TEXT, Column


def _columns():
    return numbered(
        Column("年月", "period", TEXT, 9),
        Column("颜色", "colour", TEXT, 6),
        Column("对象", "label", TEXT, 34),
        Column("区划", "region", TEXT, 10),
        Column("亮灯原因", "reason", TEXT, 44),
        Column("规则", "rule", TEXT, 24),
        Column("规则版本", "version", TEXT, 8),
        Column("阈值", "threshold", TEXT, 16),
        Column("连续月数", "streak", COUNT, 8),
    )


def _row(light):
    return {
        "period": f"{light.year}-{light.month:02d}",
        "colour": light.get_colour_display(),
        "label": light.label,
        "region": light.region.name if light.region_id else "",
        "reason": light.reason,
        "rule": light.rule.name,
        "version": f"v{light.version.number}",
        "threshold": light.threshold,
        "streak": light.streak,
    }


LIGHTS = ListLayout("红黄灯清单", _columns, _row)
