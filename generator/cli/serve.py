"""`juesuan serve PATH`: a live preview in the browser (generator/serve).

PATH is one unit's input, or a directory of units (a list with each unit's batch status and an upload form
for 公开表 workbooks). Editing an input, report, workbook or profile file rebuilds and the page reloads.
Binds to 127.0.0.1 unless --host says otherwise (with a warning: the preview shows unpublished figures).
Exit codes: 0 stopped, 2 PATH missing or the address cannot be bound.
"""
from __future__ import annotations

import socket
from pathlib import Path

import click

from . import fail

LOOPBACK = ("127.0.0.1", "localhost")


@click.command(name="serve")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--profile", default=None, help="使用的版式（名称或目录），默认用输入中指定的版式")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="端口")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址；非本机地址会向网络公开预览")
@click.option("--outdir", type=click.Path(path_type=Path), default=Path("outputs"), show_default=True,
              help="批量生成的输出目录（读取其中的 manifest.json 显示各单位状态）")
@click.option("--max-upload-mb", default=20, show_default=True, type=click.IntRange(1, 200),
              help="上传工作簿的大小上限（MB）")
def serve(path: Path, profile: str | None, port: int, host: str, outdir: Path, max_upload_mb: int) -> None:
    """在浏览器中实时预览公开文件：校验结果、版面、下载 PDF/DOCX；修改输入或版式文件后自动重新生成。"""
    import uvicorn

    from ..serve import create_app

    if not path.exists():
        fail(f"{path} 不存在：请给出一个单位的输入目录（或文件），或包含多个单位的目录。", 2)
    if host not in LOOPBACK:
        click.echo(f"警告：监听 {host}，同一网络中的其他人也能打开此预览（其中有尚未公开的数字）。"
                   f"只在本机使用时请去掉 --host。", err=True)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)          # connections wait from now on, even before uvicorn has started
    except OSError as exc:
        sock.close()
        fail(f"无法监听 {host}:{port}（{exc.strerror or exc}）：端口可能已被占用，请用 --port 换一个端口。", 2)
    bound_port = sock.getsockname()[1]
    hosts = None if host in LOOPBACK else ["*"]
    app = create_app(path, profile=profile, manifest=outdir / "manifest.json", allowed_hosts=hosts,
                     max_upload=max_upload_mb * 2**20)
    shown = "127.0.0.1" if host in LOOPBACK else host
    click.echo(f"预览地址：http://{shown}:{bound_port}/ （按 Ctrl+C 停止）")
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2, lifespan="on")

    class PreviewServer(uvicorn.Server):
        def handle_exit(self, sig, frame) -> None:
            app.state.server.closing = True        # open pages' event streams end, so shutdown is prompt
            super().handle_exit(sig, frame)

    try:
        PreviewServer(config).run(sockets=[sock])
    except KeyboardInterrupt:                      # uvicorn passes Ctrl-C on once it has shut down
        pass
    click.echo("预览已停止。")
