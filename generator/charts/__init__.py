"""Charts stage: what 图1–图6 show (plan, no matplotlib) and their drawings (SVG for the PDF, PNG for Word)."""
from .draw import draw_charts
from .plan import DEFAULT_SETTINGS, Chart, ChartPlan, plan_charts

__all__ = ["Chart", "ChartPlan", "DEFAULT_SETTINGS", "build_charts", "draw_charts", "plan_charts"]


def build_charts(facts, narrative, settings: dict | None, number_format: dict | None = None) -> dict[str, Chart]:
    """图1–图6 for one publication in figure order, planned and drawn (the tests' and tools' one-call entry)."""
    return draw_charts(plan_charts(facts, narrative, settings, number_format))
