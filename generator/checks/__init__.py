"""Stage 2: findings about the data before anything is published (severity 错误 or 警告).

Each finding carries a Chinese message, the expected and actual values with their difference and a
location (file, line, field path) so the draft, the terminal and --format json all say the same thing.
The rules live in generator/checks/ by theme; `generator.checks.RULES` lists them.
"""
from __future__ import annotations

import decimal

from .. import catalogue
from .rules import CHECKS
from .base import Finding, Report
from ..facts.compute import Facts
from ..input.load import Loaded


def _profile_of(loaded: Loaded):
    """The input's own profile, when the caller did not pass one (None if it cannot be resolved)."""
    from ..profile import ProfileError, resolve

    try:
        return resolve(loaded.unit.unit.profile, str(loaded.base_dir.resolve()))
    except (ProfileError, OSError):
        return None


def check(loaded: Loaded, facts: Facts, profile=None, final: bool = False) -> list[Finding]:
    """Run every rule; `profile` (the one the build uses) enables the profile-dependent rules; `final`
    makes the draft-only warnings (figures quoted in unchecked texts) errors."""
    report = Report(loaded, facts, profile if profile is not None else _profile_of(loaded), final)
    catalogue.activate(loaded.unit, report.profile)     # the year's edition with the profile's and input's changes
    with decimal.localcontext() as context:   # absurd typed scores must not raise inside a check
        context.traps[decimal.Overflow] = context.traps[decimal.InvalidOperation] = False
        for rule in CHECKS:
            rule(report)
    return _once(report.findings)


def _once(findings: list[Finding]) -> list[Finding]:
    """Each problem listed once: the same rule, message and field reported twice (two tables, two columns
    reaching one typed cell) is one finding."""
    seen: set[tuple] = set()
    out = []
    for f in findings:
        key = (f.severity, f.rule, f.message, f.path, f.expected, f.actual)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
