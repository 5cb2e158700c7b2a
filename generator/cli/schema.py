"""`juesuan schema`: the input's JSON Schema."""
from __future__ import annotations

import json

import click


@click.command()
def schema() -> None:
    """打印输入的 JSON Schema（供编辑器自动补全）。"""
    from ..input.model import UnitYear

    click.echo(json.dumps(UnitYear.model_json_schema(), ensure_ascii=False, indent=2))


