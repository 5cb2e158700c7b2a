"""PDF attachments (pikepdf/qpdf): refused when encrypted, damaged or a decompression bomb; their active content
(actions that launch programs, run JavaScript, open URLs, submit forms) removed before they are appended.

Limits (docs/reliability.md): INFLATED_BYTES of decoded stream data and MAX_OBJECTS objects per attachment.
"""
from __future__ import annotations

import io
import zlib
from pathlib import Path

INFLATED_BYTES = 300 << 20
MAX_OBJECTS = 500_000
_ACTIVE = {"/Launch", "/JavaScript", "/URI", "/SubmitForm", "/ImportData", "/ResetForm", "/GoToR", "/GoToE",
           "/Rendition", "/Sound", "/Movie", "/RichMediaExecute", "/Hide", "/SetOCGState", "/Trans", "/GoTo3DView"}
_IMAGE_FILTERS = {"/DCTDecode", "/JPXDecode", "/CCITTFaxDecode", "/JBIG2Decode"}


class SafePdf(io.BytesIO):
    """An attachment with its active content removed: a readable, seekable stream (what pikepdf.open takes)
    that is also os.PathLike for the file it came from (what a batch records as the build's dependency)."""

    def __init__(self, data: bytes, source: Path):
        super().__init__(data)
        self.source = source

    def __fspath__(self) -> str:
        return str(self.source)


def safe_pdf(data: bytes, source: Path) -> tuple[str | None, SafePdf | None]:
    """(why `data` cannot be attached, in Chinese, None) or (None, the attachment without active content)."""
    import pikepdf

    if not data.startswith(b"%PDF-"):
        return "不是 PDF 文件", None
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                return "已加密（设有密码或权限限制）：请提供未加密的 PDF", None
            if len(pdf.pages) == 0:
                return "没有页面", None
            problem = _bomb(pdf)
            if problem:
                return problem, None
            strip_active_content(pdf)
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True)
            return None, SafePdf(out.getvalue(), source)
    except pikepdf.PasswordError:
        return "已加密（需要密码才能打开）：请提供未加密的 PDF", None
    except (pikepdf.PdfError, ValueError, RecursionError, OverflowError, zlib.error):
        return "已损坏，无法读取：请重新导出该 PDF", None


def _bomb(pdf) -> str | None:
    import pikepdf

    total = 0
    for count, obj in enumerate(pdf.objects, 1):
        if count > MAX_OBJECTS:
            return f"对象过多（上限 {MAX_OBJECTS}）"
        if not isinstance(obj, pikepdf.Stream):
            continue
        filters = obj.get("/Filter")
        names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)] if filters else []
        raw = obj.read_raw_bytes()
        if names and names[0] == "/FlateDecode":
            inflater = zlib.decompressobj()
            try:
                size = len(inflater.decompress(raw, INFLATED_BYTES - total + 1))
            except zlib.error:
                size = len(raw)     # qpdf copies a stream it cannot decode as it is
        elif names and names[0] not in _IMAGE_FILTERS:
            size = len(obj.read_bytes()) if len(raw) < (1 << 20) else len(raw) * 100
        else:
            size = len(raw)
        total += size
        if total > INFLATED_BYTES:
            return f"解压后过大（超过 {INFLATED_BYTES >> 20} MB，疑似压缩炸弹）"
    return None


def strip_active_content(pdf) -> None:
    """Remove document and page actions, JavaScript, embedded files and annotation actions that leave the
    document (Launch, JavaScript, URI, forms …) from an opened pikepdf.Pdf; internal links stay."""
    import pikepdf

    root = pdf.Root
    for key in ("/OpenAction", "/AA"):
        if key in root:
            del root[key]
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                del names[key]
    for page in pdf.pages:
        if "/AA" in page.obj:
            del page.obj["/AA"]
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        for annot in annots:
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            if "/AA" in annot:
                del annot["/AA"]
            action = annot.get("/A")
            if isinstance(action, pikepdf.Dictionary) and (str(action.get("/S")) in _ACTIVE or "/Next" in action):
                del annot["/A"]
