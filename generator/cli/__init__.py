"""Command line (click): `juesuan COMMAND`. Each command lives in a module of this package and is imported
only when it is used, so `juesuan validate` never loads WeasyPrint and `juesuan compare` no pydantic.

Exit codes: 0 success (warnings allowed), 1 validation errors / a --final build refused,
2 unusable input (unreadable file, bad YAML, unknown profile, broken template) or an operating-system error
the user can fix (unwritable path, full disk), 3 internal error, 130 interrupted.
"""
from __future__ import annotations

import importlib
import sys

import click

# command name → (module, attribute); add a command by adding a module and one line here
LAZY = {
    "build": ("generator.cli.build", "build"),
    "validate": ("generator.cli.validate", "validate"),
    "schema": ("generator.cli.schema", "schema"),
    "profile": ("generator.cli.profile", "profile_group"),
    "compare": ("generator.compare", "compare_command"),
    "import": ("generator.cli.import_", "import_command"),
    "export": ("generator.cli.export", "export_group"),
    "serve": ("generator.cli.serve", "serve"),
    "new": ("generator.cli.new", "new_command"),
    "doctor": ("generator.cli.doctor", "doctor"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(LAZY))

    def get_command(self, ctx, name):
        if name in LAZY:
            module, attribute = LAZY[name]
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="juesuan")
def main() -> None:
    """juesuan 决算公开生成器：由结构化数据生成部门（单位）决算公开 PDF 与 DOCX。"""
    tune_gc()


def tune_gc() -> None:
    """A process that lays out publications allocates millions of short-lived objects that reference counting
    frees, while the cyclic collector's default thresholds rescan WeasyPrint's growing live set again and
    again. A process-wide setting of the application (the CLI, a batch worker), never of the library: fewer
    young collections, and what is imported so far is left out of them."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def run_cli() -> None:
    """Console entry point: failures are reported in Chinese, not as a traceback. An operating-system error
    (unwritable or vanished path, full disk) names the path and what to do (exit 2); Ctrl-C exits 130."""
    import os

    from ..outputs import OutputError, describe_os_error

    try:
        code = main(standalone_mode=False)
    except SystemExit:
        raise
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.Abort, KeyboardInterrupt):
        fail("已中断（Ctrl-C）：未完成的输出没有写出，原有输出保持不变。", 130)
    except OutputError as exc:
        fail(str(exc), 2)
    except OSError as exc:
        if os.environ.get("JUESUAN_DEBUG"):
            raise
        fail("无法完成：" + describe_os_error(exc), 2)
    except Exception as exc:  # noqa: BLE001 — last resort; JUESUAN_DEBUG=1 shows the traceback
        if os.environ.get("JUESUAN_DEBUG"):
            raise
        fail(f"内部错误（{type(exc).__name__}：{exc}）。请将输入与此信息报告给维护者；"
              f"设置 JUESUAN_DEBUG=1 可显示详细信息。", 3)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    run_cli()
