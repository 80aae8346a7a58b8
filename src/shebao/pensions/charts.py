"""Stacked-bar charts of pension parts, drawn server-side as SVG coordinates for the
estimator templates (``templates/pensions/estimator_chart.html``): no script, nothing from the
internet, sized for a phone's width; the same figures are in a table beside each chart."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, Decimal
from typing import Any

PARTS = (
    ("basic", "基础养老金 / Basic", "#1f5fa8"),
    ("account", "个人账户养老金 / Account", "#3f9b5a"),
    ("transition", "过渡性养老金 / Transition", "#c7832b"),
)
CHART_W, CHART_H, PAD_L, PAD_B, PAD_T = 360, 220, 44, 28, 22


@dataclass(frozen=True)
class Bar:
    label: str
    total: str
    x: float
    width: float
    top: float
    segments: list[dict[str, Any]]
    highlight: bool = False
    height: float = 0.0
    show_label: bool = False


def chart(*, bars: list[tuple[str, dict[str, Decimal], bool]]) -> dict[str, Any]:
    """Stacked bars drawn server-side as SVG coordinates: (label, {part: amount}, highlight)."""
    if not bars:
        return {}
    biggest = max(sum(parts.values(), Decimal(0)) for _, parts, _ in bars) or Decimal(1)
    step = _nice_step(biggest)
    top_value = ((biggest / step).to_integral_value(rounding=ROUND_CEILING)) * step
    plot_h = CHART_H - PAD_B - PAD_T
    slot = (CHART_W - PAD_L - 8) / len(bars)
    width = max(2.0, slot * 0.7)
    out: list[Bar] = []
    for i, (label, parts, highlight) in enumerate(bars):
        x = PAD_L + i * slot + (slot - width) / 2
        y = float(CHART_H - PAD_B)
        segments = []
        for key, name, colour in PARTS:
            amount = parts.get(key, Decimal(0))
            h = float(amount / top_value) * plot_h
            y -= h
            segments.append({"y": round(y, 1), "h": round(h, 1), "fill": colour, "title": f"{name}: ¥{amount}"})
        total = sum(parts.values(), Decimal(0))
        out.append(
            Bar(
                label,
                f"{total}",
                round(x, 1),
                round(width, 1),
                round(y, 1),
                segments,
                highlight,
                round(CHART_H - PAD_B - y, 1),
            )
        )
    ticks = []
    value = Decimal(0)
    while value <= top_value:
        ticks.append({"y": round(CHART_H - PAD_B - float(value / top_value) * plot_h, 1), "label": f"{value:,.0f}"})
        value += step
    every = max(1, -(-len(bars) // 3))  # at most about four labels under the axis: a phone's width
    last = len(out) - 1
    out = [
        replace(bar, show_label=i == last or (i % every == 0 and last - i > every // 2)) for i, bar in enumerate(out)
    ]
    return {
        "w": CHART_W,
        "h": CHART_H,
        "left": PAD_L,
        "base": CHART_H - PAD_B,
        "bars": out,
        "ticks": ticks,
        "label_every": every,
        "label_y": CHART_H - PAD_B + 18,
        "legend": [{"name": name, "fill": colour} for _, name, colour in PARTS],
        "has_highlight": any(bar.highlight for bar in out),
    }


def _nice_step(biggest: Decimal) -> Decimal:
    for step in (Decimal(n) for n in (100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)):
        if biggest / step <= 6:
            return step
    return Decimal(100000)
