"""The web application (starlette): a unit's preview page, its server-sent events, downloads, the served
profile files, the list of units and the workbook upload.

Safe by default: every response carries a Content-Security-Policy (scripts only from /assets, the preview
frame sandboxed without scripts), Host headers other than the bound loopback names are refused (a web page
cannot reach the server through DNS rebinding), a form may be posted only from the server's own pages, and
files are served only from the profile's layers and the package's assets, each resolved inside its root.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from pathlib import Path
from urllib.parse import quote, urlparse

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .builder import UnitBuilder
from .units import UnitEntry, UploadError, discover, import_workbook, importer_available, read_manifest
from .watch import Watcher, covers

HERE = Path(__file__).parent
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'self'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"SAMEORIGIN"),
           (b"cache-control", b"no-store")]
PROFILE_FILES = {".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".woff", ".woff2", ".ttf", ".otf"}
LOOPBACK = ["127.0.0.1", "localhost"]
TICK = 0.25           # how often an event stream looks at its unit's state (seconds)


class SecurityHeaders:
    """Pure ASGI middleware (streams pass through unbuffered)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in HEADERS if h[0] not in names]
            await send(message)

        await self.app(scope, receive, with_headers)


class Server:
    """The served PATH: one unit or a directory of units, the builders of the units opened so far."""

    def __init__(self, path: Path, profile: str | None, manifest: Path | None, max_upload: int,
                 new_unit_profile: str):
        self.root = path.resolve()
        self.profile, self.manifest, self.max_upload = profile, manifest, max_upload
        self.new_unit_profile = new_unit_profile
        self.instance = secrets.token_hex(6)
        self.closing = False          # set when the server stops: event streams end, so it can stop
        self.loop: asyncio.AbstractEventLoop | None = None
        self.builders: dict[str, UnitBuilder] = {}
        self.watcher = Watcher(self.changed)
        self.single, self.units = discover(self.root)
        self.templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                                     autoescape=select_autoescape(default=True, default_for_string=True))

    def unit(self, key: str) -> UnitEntry | None:
        if key not in self.units and not self.single:
            self.single, self.units = discover(self.root)      # a unit uploaded or added since
        return self.units.get(key)

    def builder(self, entry: UnitEntry) -> UnitBuilder:
        builder = self.builders.get(entry.key)
        if builder is None:
            builder = self.builders[entry.key] = UnitBuilder(entry.key, entry.path, self.profile, self.built)
            builder.request()
        self.watcher.ensure(builder.watched())
        return builder

    def built(self, builder: UnitBuilder) -> None:
        """From a build's thread: watch what that build read (a profile outside the served directory)."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.watcher.ensure, builder.watched())

    def changed(self, paths: set[Path]) -> None:
        for builder in list(self.builders.values()):
            if any(covers(builder.watched(), path) for path in paths):
                builder.request()

    def render(self, template: str, status: int = 200, **context) -> HTMLResponse:
        return HTMLResponse(self.templates.get_template(template).render(**context), status_code=status)

    def message(self, heading: str, message: str, status: int, back: str = "/") -> HTMLResponse:
        return self.render("message.html.j2", status, heading=heading, message=message, back=back)


def create_app(path: Path, profile: str | None = None, manifest: Path | None = None,
               allowed_hosts: list[str] | None = None, max_upload: int = 20 * 2**20,
               new_unit_profile: str = "shandong-2024") -> Starlette:
    server = Server(path, profile, manifest, max_upload, new_unit_profile)

    async def home(request: Request) -> Response:
        if server.single:
            return await unit_page(request, next(iter(server.units)))
        server.single, server.units = discover(server.root)
        units = list(server.units.values())
        read_manifest(server.manifest, server.units)
        return server.render("index.html.j2", root_name=server.root.name, units=units,
                             manifest=bool(server.manifest and server.manifest.is_file()),
                             manifest_path=server.manifest or "未指定", importer=importer_available(),
                             max_mb=server.max_upload // 2**20)

    async def unit_route(request: Request) -> Response:
        return await unit_page(request, request.path_params["key"])

    async def unit_page(request: Request, key: str) -> Response:
        entry = server.unit(key)
        if entry is None:
            return server.message("没有这个单位", f"“{key}”不是所服务目录中的单位。", 404)
        state, snapshot = server.builder(entry).view()
        findings = snapshot.findings if snapshot else []
        errors = sum(1 for f in findings if f["severity"] == "错误")
        return server.render("unit.html.j2", title=snapshot.title if snapshot else entry.key, state=state,
                             snapshot=snapshot, base=f"/u/{quote(entry.key)}/", instance=server.instance,
                             single=server.single, errors=errors, warnings=len(findings) - errors,
                             xlsx=_xlsx_available())

    def builder_for(request: Request) -> UnitBuilder | None:
        entry = server.unit(request.path_params["key"])
        return server.builder(entry) if entry else None

    async def state(request: Request) -> Response:
        builder = builder_for(request)
        if builder is None:
            return JSONResponse({"error": "没有这个单位"}, status_code=404)
        return JSONResponse(dict(builder.state.as_dict(), instance=server.instance))

    async def events(request: Request) -> Response:
        builder = builder_for(request)
        if builder is None:
            return JSONResponse({"error": "没有这个单位"}, status_code=404)

        async def stream():
            yield "retry: 1000\n\n"
            last, quiet = None, 0
            while not server.closing:
                current = dict(builder.state.as_dict(), instance=server.instance)
                if current != last:
                    server.watcher.ensure(builder.watched())
                    yield f"data: {json.dumps(current, ensure_ascii=False)}\n\n"
                    last, quiet = current, 0
                elif quiet * TICK >= 15:
                    yield ": 保持连接\n\n"
                    quiet = 0
                await asyncio.sleep(TICK)
                quiet += 1

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"X-Accel-Buffering": "no"})

    async def download(request: Request) -> Response:
        builder = builder_for(request)
        fmt = request.path_params["fmt"]
        snapshot = builder.snapshot if builder else None
        if snapshot is None or fmt not in ("pdf", "docx", "xlsx"):
            return server.message("无法下载", "还没有生成成功的结果，或格式不受支持。", 404)
        if fmt == "xlsx":
            if not _xlsx_available():
                return server.message("无法下载", "此安装不含表格工作簿导出功能。", 404)
            if "xlsx" not in snapshot.extra:
                from ..render.xlsx import workbook_bytes

                snapshot.extra["xlsx"] = await asyncio.to_thread(workbook_bytes, snapshot.html)
            data = snapshot.extra["xlsx"]
        else:
            data = snapshot.outputs[fmt]
        kind = "inline" if request.query_params.get("inline") == "1" and fmt == "pdf" else "attachment"
        media = {"pdf": "application/pdf",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[fmt]
        name = f"{snapshot.stem}.{fmt}"
        return Response(data, media_type=media, headers={
            "Content-Disposition": f"{kind}; filename=\"juesuan.{fmt}\"; filename*=UTF-8''{quote(name)}"})

    async def profile_file(request: Request) -> Response:
        builder = builder_for(request)
        snapshot = builder.snapshot if builder else None
        layer = request.path_params["layer"]
        if snapshot is None or not 0 <= layer < len(snapshot.profile_roots):
            return Response("未找到", status_code=404, media_type="text/plain; charset=utf-8")
        target = inside(snapshot.profile_roots[layer], request.path_params["path"])
        if target is None or target.suffix.lower() not in PROFILE_FILES:
            return Response("未找到", status_code=404, media_type="text/plain; charset=utf-8")
        return FileResponse(target)

    async def upload(request: Request) -> Response:
        if server.single:
            return server.message("不能上传", "只有在服务一个包含多个单位的目录时才能上传工作簿。", 404)
        if not same_origin(request):
            return server.message("不能上传", "表单只能从本预览页面提交。", 403)
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            return server.message("不能上传", "请求缺少 Content-Length。", 411)
        if int(length) > server.max_upload + 64 * 1024:
            return server.message("文件太大", f"工作簿不能超过 {server.max_upload // 2**20} MB。", 413)
        async with request.form(max_files=1, max_fields=10) as form:
            workbook = form.get("workbook")
            if workbook is None or isinstance(workbook, str):
                return server.message("不能上传", "请选择要上传的工作簿文件。", 400)
            data = await workbook.read(server.max_upload + 1)
            if len(data) > server.max_upload:
                return server.message("文件太大", f"工作簿不能超过 {server.max_upload // 2**20} MB。", 413)
            name = str(form.get("name") or Path(workbook.filename or "").stem)
            replace = form.get("replace") == "1"
            filename = workbook.filename or ""
        try:
            target = await asyncio.to_thread(import_workbook, server.root, name, filename, data, replace,
                                             server.new_unit_profile)
        except UploadError as exc:
            return server.message("无法由工作簿生成草稿", str(exc), 400)
        server.single, server.units = discover(server.root)
        if target.name in server.builders:
            server.builders[target.name].request()
        return RedirectResponse(f"/u/{quote(target.name)}/", status_code=303)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        server.loop = asyncio.get_running_loop()
        server.watcher.ensure([server.root])
        yield
        await server.watcher.close()

    routes = [
        Route("/", home),
        Route("/upload", upload, methods=["POST"]),
        Route("/u/{key}/", unit_route),
        Route("/u/{key}/state", state),
        Route("/u/{key}/events", events),
        Route("/u/{key}/download/{fmt}", download),
        Route("/u/{key}/profile/{layer:int}/{path:path}", profile_file),
        Mount("/assets", StaticFiles(directory=HERE / "assets"), name="assets"),
    ]
    middleware = [Middleware(SecurityHeaders),
                  Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOOPBACK)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.server = server
    return app


def inside(root: Path, relative: str) -> Path | None:
    """ROOT/RELATIVE when it is a file inside ROOT (symbolic links resolved), else None. RELATIVE is the path
    as the server decoded it once: '%2e%2e' arrives as '..' and is refused, '%252e' stays a literal name."""
    if "\x00" in relative or "\\" in relative:
        return None
    parts = relative.split("/")
    if any(part in ("..", ".") for part in parts) or relative.startswith("/"):
        return None
    try:
        target = (root / relative).resolve()
        target.relative_to(root.resolve())
    except (ValueError, OSError):
        return None
    return target if target.is_file() else None


def same_origin(request: Request) -> bool:
    """A browser says where a form comes from (Sec-Fetch-Site, Origin); other clients (curl) say nothing."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    return origin is None or urlparse(origin).netloc == request.headers.get("host")


def _xlsx_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("generator.render.xlsx") is not None
