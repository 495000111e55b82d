"""Bar-and-line charts for the dashboard and the staffing view (QtCharts).

One chart object per view, built once; new figures replace the values of its
bar sets, line and axes rather than rebuilding series, so nothing is left for
Qt and Python to disagree about ownership of. The figures are also written to
the view's accessible description, for screen readers.
"""

from __future__ import annotations

import math

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

BAR_COLOURS = ("#2f6fb3", "#9fb3c8", "#52606d")
LINE_COLOUR = "#c05a00"
ROTATE_OVER = 13  # category labels turn upright beyond this many


def nice_ceiling(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 5 x 10^n), at least 1."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def percent_floor(lowest: float) -> int:
    """Bottom of a percentage axis: a ten below the lowest point, so a service level moving
    between 92% and 98% is not a flat line; 0 once that would be under 40%."""
    low = int(math.floor((lowest - 5) / 10) * 10)
    return low if low >= 40 else 0


class BarLineChart(QChartView):
    """Bars (one or more sets) per category on the left axis, an optional line on the right."""

    def __init__(self, title: str, bar_names: list[str], left_title: str, *,
                 line_name: str | None = None, right_title: str = "", right_percent: bool = True,
                 parent: QWidget | None = None):
        chart = QChart()
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(150)  # two of them stack on a 720-pixel-high screen
        self._title = title
        self._right_percent = right_percent
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(0)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        title_font = QFont()
        title_font.setPointSize(10)
        title_font.setBold(True)
        chart.setTitleFont(title_font)
        legend = chart.legend()
        legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
        small = QFont()
        small.setPointSize(8)
        legend.setFont(small)

        self.bars = QBarSeries()
        self.bar_sets = []
        for name, colour in zip(bar_names, BAR_COLOURS, strict=False):
            bar_set = QBarSet(name)
            bar_set.setColor(QColor(colour))
            bar_set.setBorderColor(QColor(colour))
            self.bars.append(bar_set)
            self.bar_sets.append(bar_set)
        chart.addSeries(self.bars)

        self.x_axis = QBarCategoryAxis()
        self.x_axis.setLabelsFont(small)
        self.x_axis.setTruncateLabels(False)
        self.left_axis = QValueAxis()
        self.left_axis.setLabelFormat("%d")
        self.left_axis.setTitleText(left_title)
        self.left_axis.setLabelsFont(small)
        self.left_axis.setTitleFont(small)
        chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.left_axis, Qt.AlignmentFlag.AlignLeft)
        self.bars.attachAxis(self.x_axis)
        self.bars.attachAxis(self.left_axis)

        self.categories: list[str] = []
        self.line = None
        self.right_axis = None
        if line_name:
            self.line = QLineSeries()
            self.line.setName(line_name)
            pen = QPen(QColor(LINE_COLOUR))
            pen.setWidth(2)
            self.line.setPen(pen)
            self.line.setPointsVisible(True)
            chart.addSeries(self.line)
            self.right_axis = QValueAxis()
            self.right_axis.setLabelFormat("%d%%" if right_percent else "%d")
            self.right_axis.setTitleText(right_title)
            self.right_axis.setLabelsFont(small)
            self.right_axis.setTitleFont(small)
            self.right_axis.setLabelsColor(QColor(LINE_COLOUR))
            chart.addAxis(self.right_axis, Qt.AlignmentFlag.AlignRight)
            self.line.attachAxis(self.x_axis)
            self.line.attachAxis(self.right_axis)
        self.set_data([], [[] for _ in self.bar_sets], None)

    def set_data(self, categories: list[str], bars: list[list[float]],
                 line: list[float | None] | None, *, note: str = "") -> None:
        """Replace the figures: ``bars`` holds one list per bar set; ``line`` may hold None gaps.

        Percentages on the line are fractions (0.8 for 80%).
        """
        chart = self.chart()
        chart.setTitle(f"{self._title}{f' ({note})' if note else ''}")
        self.categories = list(categories)
        upright = len(categories) > ROTATE_OVER
        # Upright labels at the two ends are dropped by QtCharts when their box reaches past
        # the plot: an empty category at each end keeps the first and last day labelled.
        pad = 1 if upright else 0
        self.x_axis.clear()
        self.x_axis.append([" "] * pad + list(categories) + ["  "] * pad if categories else [" "])
        self.x_axis.setLabelsAngle(-90 if upright else 0)
        highest = 0.0
        for bar_set, values in zip(self.bar_sets, bars, strict=True):
            bar_set.remove(0, bar_set.count())
            bar_set.append([0.0] * pad + [float(v) for v in values] + [0.0] * pad)
            highest = max([highest, *values])
        top = nice_ceiling(highest)
        self.left_axis.setRange(0, top)
        self.left_axis.setTickCount(_ticks(top))
        if self.line is not None:
            scale = 100 if self._right_percent else 1
            points = [QPointF(i + pad, v * scale) for i, v in enumerate(line or []) if v is not None]
            self.line.replace(points)
            if self._right_percent:
                low = percent_floor(min((p.y() for p in points), default=100))
                self.right_axis.setRange(low, 100)
                self.right_axis.setTickCount(5 if low == 0 else (100 - low) // 10 + 1)
            else:
                top_right = nice_ceiling(max((p.y() for p in points), default=1))
                self.right_axis.setRange(0, top_right)
                self.right_axis.setTickCount(_ticks(top_right))
        self.setAccessibleName(self._title)
        self.setAccessibleDescription(self._describe(categories, bars, line))

    def _describe(self, categories, bars, line) -> str:
        if not categories:
            return f"{self._title}: no figures"
        parts = []
        for i, category in enumerate(categories):
            values = [f"{bar_set.label()} {_plain(values[i])}"
                      for bar_set, values in zip(self.bar_sets, bars, strict=True)]
            if line is not None and self.line is not None and line[i] is not None:
                shown = f"{line[i]:.2%}" if self._right_percent else _plain(line[i])
                values.append(f"{self.line.name()} {shown}")
            parts.append(f"{category}: {', '.join(values)}")
        return "; ".join(parts)


def _plain(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def _ticks(top: float) -> int:
    """Tick count giving whole-number steps for small maxima, five lines otherwise."""
    if top <= 5:
        return int(top) + 1
    return 6 if top % 5 == 0 else 5
