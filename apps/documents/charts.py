"""Charts as PNG images for documents (bulletins, briefs), drawn with matplotlib.

Chinese labels need a CJK font; the test machine has none by default, so the project
installs one (scripts/ensure-cjk-font, fonts-noto-cjk) and this module finds its file at
run time (KP_CJK_FONT names one explicitly). Without a CJK font no chart is drawn:
`cjk_font_path()` is None, the callers leave the chart out and say so, rather than print
rows of empty boxes (tofu)."""

import functools
import io
import os
from collections.abc import Sequence
from pathlib import Path

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"))
# File names of CJK fonts, preferred first (Simplified Chinese sans first).
FONT_PATTERNS = (
    "NotoSansCJKsc-Regular",
    "NotoSansCJK-Regular",
    "NotoSansSC",
    "SourceHanSans",
    "wqy-microhei",
    "wqy-zenhei",
    "NotoSerifCJK-Regular",
    "DroidSansFallback",
)
CHART_DPI = 120  # 150 mm wide in the document: about 120 dpi on paper


@functools.cache
def _font_properties(path: str):
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=path)


@functools.cache
def cjk_font_path() -> str | None:
    """The file of a font with Chinese glyphs, or None."""
    explicit = os.environ.get("KP_CJK_FONT")
    if explicit and Path(explicit).is_file():
        return explicit
    found: dict[str, str] = {}
    for folder in FONT_DIRS:
        root = Path(folder)
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            if path.suffix.lower() not in (".ttf", ".ttc", ".otf"):
                continue
            for pattern in FONT_PATTERNS:
                if path.name.startswith(pattern) and pattern not in found:
                    found[pattern] = str(path)
    return next((found[pattern] for pattern in FONT_PATTERNS if pattern in found), None)


def charts_available() -> bool:
    return cjk_font_path() is not None


def _figure(width_in: float = 6.2, height_in: float = 3.0):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    # Fixed margins: a layout engine (or bbox_inches="tight") draws the figure several times.
    figure, axes = pyplot.subplots(figsize=(width_in, height_in), dpi=CHART_DPI)
    figure.subplots_adjust(left=0.08, right=0.99, top=0.88, bottom=0.3)
    return pyplot, figure, axes


def _font():
    return _font_properties(cjk_font_path())


def _png(pyplot, figure) -> bytes:
    buffer = io.BytesIO()
    # A fixed creation software and no dates: the same data gives the same bytes.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    pyplot.close(figure)
    return buffer.getvalue()


def bar_line_chart(
    *,
    title: str,
    labels: Sequence[str],
    bars: Sequence[float | None],
    bar_label: str,
    line: Sequence[float | None] | None = None,
    line_label: str = "",
    unit: str = "",
) -> bytes | None:
    """Bars (e.g. completion rate by county) with an optional line (the time share);
    None when no CJK font is installed."""
    if not charts_available():
        return None
    font = _font()
    pyplot, figure, axes = _figure(width_in=max(6.2, 0.45 * len(labels)))
    positions = list(range(len(labels)))
    values = [value or 0 for value in bars]
    axes.bar(positions, values, color="#2f6fb3", label=bar_label)
    for x, value in zip(positions, bars, strict=True):
        if value is not None:
            axes.annotate(f"{value:g}", (x, value), ha="center", va="bottom", fontsize=7)
    if line is not None:
        axes.plot(
            positions, [value or 0 for value in line], color="#d0021b", marker="o", markersize=3, label=line_label
        )
    axes.set_xticks(positions)
    axes.set_xticklabels(labels, fontproperties=font, fontsize=8, rotation=30 if len(labels) > 6 else 0)
    axes.set_title(title, fontproperties=font, fontsize=11)
    if unit:
        axes.set_ylabel(unit, fontproperties=font, fontsize=8)
    top = max([value for value in [*values, *(line or [])] if value is not None] or [1])
    axes.set_ylim(0, top * 1.12)
    axes.legend(
        prop=font, loc="upper center", bbox_to_anchor=(0.5, -0.16 if len(labels) <= 6 else -0.24), ncol=2, frameon=False
    )
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(axis="y", labelsize=8)
    return _png(pyplot, figure)
