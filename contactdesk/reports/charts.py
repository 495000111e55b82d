"""Charts for the reports: calls as bars with the service level as a line over them."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from .pdf import FONT, INK, RULE, register_fonts

BAR = colors.HexColor("#7fa7c0")
LINE = colors.HexColor("#c2561a")


def calls_and_service_level(labels: Sequence[str], calls: Sequence[int],
                            levels: Sequence[float | None], *, width: float, height: float,
                            level_label: str, calls_label: str = "Calls offered") -> Drawing:
    """Bars of calls (left scale) and a line of a percentage (right scale, 0-100 %)."""
    register_fonts()
    drawing = Drawing(width, height)
    left, bottom = 34, 34
    plot_w, plot_h = width - left - 40, height - bottom - 22

    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = left, bottom, plot_w, plot_h
    bars.data = [list(calls) or [0]]
    bars.bars[0].fillColor = BAR
    bars.bars[0].strokeColor = None
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = max(max(calls, default=0) * 1.15, 5)
    bars.valueAxis.labels.fontName = FONT
    bars.valueAxis.labels.fontSize = 7
    bars.valueAxis.gridStrokeColor = RULE
    bars.valueAxis.gridStrokeWidth = 0.3
    bars.valueAxis.visibleGrid = True
    bars.categoryAxis.categoryNames = list(labels) or [""]
    bars.categoryAxis.labels.fontName = FONT
    bars.categoryAxis.labels.fontSize = 7
    bars.categoryAxis.labels.boxAnchor = "n"
    if len(labels) > 16:
        bars.categoryAxis.labels.angle = 45
        bars.categoryAxis.labels.boxAnchor = "ne"
    bars.barSpacing = 1
    drawing.add(bars)

    line = HorizontalLineChart()
    line.x, line.y, line.width, line.height = left, bottom, plot_w, plot_h
    line.data = [[None if v is None else 100 * v for v in levels] or [None]]
    line.joinedLines = 1
    line.lines[0].strokeColor = LINE
    line.lines[0].strokeWidth = 1.6
    line.lines[0].symbol = makeMarker("FilledCircle", size=3, fillColor=LINE, strokeColor=LINE)
    line.valueAxis.valueMin, line.valueAxis.valueMax = 0, 100
    line.valueAxis.visible = False
    line.categoryAxis.visible = False
    line.categoryAxis.categoryNames = list(labels) or [""]
    if any(v is not None for v in levels):  # a line of no points is not drawn (nor drawable)
        drawing.add(line)

    # The line's scale on the right.
    right = left + plot_w
    drawing.add(Line(right, bottom, right, bottom + plot_h, strokeColor=INK, strokeWidth=0.5))
    for percent in (0, 25, 50, 75, 100):
        y = bottom + plot_h * percent / 100
        drawing.add(Line(right, y, right + 3, y, strokeColor=INK, strokeWidth=0.5))
        drawing.add(String(right + 5, y - 2.5, f"{percent}%", fontName=FONT, fontSize=7, fillColor=INK))

    legend = Legend()
    legend.x, legend.y = left, height - 6
    legend.fontName, legend.fontSize = FONT, 7.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 150
    legend.dx, legend.dy = 8, 6
    legend.colorNamePairs = [(BAR, calls_label), (LINE, level_label)]
    drawing.add(legend)
    return drawing
