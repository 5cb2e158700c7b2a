"""`juesuan validate`: the findings about an input, as text or JSON."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import fail
from ..errors import InputError
from ..fonts import FontError
from ..profile import ProfileError

USAGE_ERRORS = (InputError, ProfileError, FontError)


@click.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--profile", default=None, help="版式名称或目录")
@click.option("--final", is_flag=True, help="按正式稿校验：未核对文字中与表不符的金额等也算错误")
def validate(path: Path, fmt: str, profile: str | None, final: bool) -> None:
    """校验输入：0 无误或仅有警告，1 有错误，2 输入无法读取。"""
    from ..pipeline import profile_for
    from ..checks import check
    from ..facts.compute import compute
    from ..input.load import load

    try:
        loaded = load(path)
        chosen = profile_for(loaded, profile)
        findings = check(loaded, compute(loaded.unit, loaded.prior.unit if loaded.prior else None), profile=chosen,
                         final=final)
    except USAGE_ERRORS as exc:
        if fmt == "json":
            problems = getattr(exc, "problems", None) or []
            click.echo(json.dumps({"status": "unreadable", "problems": [vars(p) for p in problems] or
                                   [{"message": str(exc)}]}, ensure_ascii=False, indent=2))
            sys.exit(2)
        fail(f"无法读取输入：\n{exc}", 2)
    errors = [f for f in findings if f.severity == "错误"]
    if fmt == "json":
        click.echo(json.dumps({"status": "error" if errors else "ok",
                               "findings": [f.as_dict() for f in findings]}, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(f"共 {len(errors)} 个错误，{len(findings) - len(errors)} 个警告。")
    sys.exit(1 if errors else 0)


