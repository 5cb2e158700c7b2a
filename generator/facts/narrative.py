"""Stage 4: the numbers behind every 情况说明 sentence, and which wording variant each one takes.

Each rule is a pure function of Decimal amounts returning the variant and the numbers it prints
(narrative.md §3); the words themselves live in templates and profile strings.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .compute import Facts
from ..input.money import ZERO, cents, pct


@dataclass(frozen=True)
class Change:
    """current vs prior: kind is up, down, same (equal, non-zero), zero (both zero) or new (prior 0)."""
    kind: str
    current: Decimal
    prior: Decimal | None
    amount: Decimal          # |current − prior|
    percent: Decimal | None  # |Δ| / prior × 100, None when there is no base

    @property
    def known(self) -> bool:
        return self.prior is not None


def change(current: Decimal, prior: Decimal | None) -> Change:
    if prior is None:
        return Change("unknown", current, None, ZERO, None)
    delta = current - prior
    if delta == 0:
        return Change("zero" if current == 0 else "same", current, prior, ZERO, None)
    if prior == 0:
        return Change("new", current, prior, abs(delta), None)
    return Change("up" if delta > 0 else "down", current, prior, abs(delta), pct(abs(delta), prior))


def shares(parts: list[Decimal], whole: Decimal, complete: bool = True) -> list[Decimal | None]:
    """Shares of one sentence: half-up to 2 decimals, non-zero parts never 0.00, summing to 100.00.

    Complement rule (narrative.md §3.4): when the parts are the whole's complete breakdown and plain
    rounding does not sum to 100.00, the largest share absorbs the difference — this reproduces every
    seed, including Shanxi's 99.99 + 0.01.
    """
    if whole == 0:
        return [None for _ in parts]
    raw = [pct(p, whole) or ZERO for p in parts]
    values = [Decimal("0.01") if p != 0 and r == 0 else r for p, r in zip(parts, raw)]
    nonzero = [i for i, p in enumerate(parts) if p != 0]
    total = sum(values, ZERO)
    if complete and nonzero and total != 100:
        largest = max(nonzero, key=lambda i: (values[i], -i))
        values[largest] = Decimal(100) - (total - values[largest])
    return values


@dataclass(frozen=True)
class Completion:
    """actual vs budget: equal, about (within the 基本持平 band), over, under, or none (no budget)."""
    kind: str
    actual: Decimal
    budget: Decimal
    rate: Decimal | None


def completion(actual: Decimal, budget: Decimal | None, about_band: Decimal = Decimal(1)) -> Completion:
    if budget is None or budget == 0:
        return Completion("none", actual, budget or ZERO, None)
    rate = pct(actual, budget)
    if actual == budget:
        kind = "equal"
    elif abs(actual / budget * 100 - 100) < about_band:
        kind = "about"
    else:
        kind = "over" if actual > budget else "under"
    return Completion(kind, actual, budget, rate)


GRADE_BANDS = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))


def grade(score: Decimal, bands=GRADE_BANDS) -> str:
    """优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60; lower bounds inclusive (narrative.md §5.4)."""
    return next((name for floor, name in bands if score >= floor), bands[-1][1])


@dataclass(frozen=True)
class ProjectResult:
    name: str
    budget: Decimal            # 全年预算数 (A)
    executed: Decimal          # 全年执行数 (B)
    rate: Decimal | None       # B / A × 100
    execution_score: Decimal   # 分值 × min(B/A, 1), from the unrounded ratio (§5.3)
    score: Decimal             # 总分
    grade: str
    source: object             # the input Project


def project_result(project, bands=GRADE_BANDS, capped: bool = True) -> ProjectResult:
    line = project.funds.total
    budget, executed = line.full_year, line.executed
    if budget > 0:
        ratio = min(executed / budget, Decimal(1)) if capped else executed / budget
        execution = cents(project.execution_weight * ratio)
    else:
        execution = ZERO
    if project.indicators:
        score = execution + sum((i.score for i in project.indicators), ZERO)
    else:
        score = project.total_score if project.total_score is not None else execution
    return ProjectResult(project.name, cents(budget), cents(executed), pct(executed, budget), execution,
                         score, grade(score, bands), project)


@dataclass
class Narrative:
    """What the templates need beyond the facts: computed sentences' numbers and attachment titles."""
    facts: Facts
    projects: list[ProjectResult] = field(default_factory=list)
    bands: tuple = GRADE_BANDS
    missing: list[tuple[str, str]] = field(default_factory=list)   # (where to fill it in, what) for --final

    def need(self, where: str, what: str) -> str:
        """Record a gap the draft marks with a placeholder; returns `what` for the template."""
        if (where, what) not in self.missing:
            self.missing.append((where, what))
        return what

    def reason(self, key: str, what: str, required: bool = True) -> str | None:
        """The staff's reason text for `key`, or None; a required one that is missing is recorded."""
        text = (self.facts.data.reasons.get(key) or "").strip().rstrip("。；;")
        if not text:
            if required:
                self.need(f"reasons 中的“{key}”", f"{what}的主要原因")
            return None
        return text

    def text(self, key: str) -> str:
        return (self.facts.data.texts.get(key) or "").strip().rstrip("。；;")

    def grade_of(self, score: Decimal) -> str:
        return grade(Decimal(str(score)), self.bands)

    def grades(self) -> list[tuple[str, int]]:
        counts = {name: sum(1 for p in self.projects if p.grade == name) for _, name in self.bands}
        return [(name, n) for name, n in counts.items() if n]

    def change(self, current: Decimal, prior: Decimal | None) -> Change:
        return change(cents(current), None if prior is None else cents(prior))

    def shares(self, parts: list[Decimal], whole: Decimal, complete: bool = True) -> list[Decimal | None]:
        return shares(parts, whole, complete)

    def completion(self, actual: Decimal, budget: Decimal | None, band: Decimal | float | str = 1) -> Completion:
        return completion(actual, budget, Decimal(str(band)))


def grade_bands(settings: dict | None) -> tuple:
    """Profile `performance.grade_bands` ([[90, 优], [80, 良], …]) or the bands verified on the seeds."""
    configured = ((settings or {}).get("performance") or {}).get("grade_bands")
    if not configured:
        return GRADE_BANDS
    return tuple(sorted(((Decimal(str(floor)), str(name)) for floor, name in configured), reverse=True))


def narrate(facts: Facts, settings: dict | None = None) -> Narrative:
    perf = facts.data.performance
    bands = grade_bands(settings)
    capped = ((settings or {}).get("performance") or {}).get("execution_score", "capped") == "capped"
    story = Narrative(facts, [project_result(p, bands, capped) for p in perf.projects])
    story.bands = bands
    return story
