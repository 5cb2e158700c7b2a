"""The DOCX package around the body: core properties from the HTML's <head>, Word settings, and a zip
written byte-for-byte the same for the same input (fixed timestamps, python-docx's stable entry order,
no thumbnail)."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from .wordml import esc

_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def metadata(root) -> dict[str, str]:
    meta = {"title": ""}
    head = root.find("head")
    if head is None:
        return meta
    title = head.find("title")
    if title is not None:
        meta["title"] = "".join(title.itertext()).strip()
    for node in head.iter("meta"):
        if node.get("name"):
            meta[node.get("name")] = node.get("content") or ""
    return meta


def _timestamp(value: str | None) -> dt.datetime:
    try:
        day = dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        day = dt.date(1980, 1, 1)
    return dt.datetime(max(day.year, 1980), day.month, day.day)


def word_settings(document) -> None:
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    # Word fills in the TOC's page numbers when the file is opened (after asking the user)
    settings.find(qn("w:compat")).addprevious(parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>'))


def core_properties(document, meta: dict[str, str]) -> None:
    props = document.core_properties
    props.title = meta.get("title", "")
    props.author = props.last_modified_by = meta.get("author", "")
    props.created = _timestamp(meta.get("dcterms.created"))
    props.modified = _timestamp(meta.get("dcterms.modified") or meta.get("dcterms.created"))
    props.revision = 1
    props.comments = props.subject = props.keywords = props.category = ""
    props.language = "zh-CN"


def _app_xml(meta: dict[str, str]) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f'<Application>{esc(meta.get("generator") or "juesuan")}</Application><DocSecurity>0</DocSecurity>'
            '<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>'
            '<HyperlinksChanged>false</HyperlinksChanged></Properties>').encode("utf-8")


def reproducible_zip(document, meta: dict[str, str]) -> bytes:
    package = document.part.package
    for rels, reltype in ((package.rels, RT.THUMBNAIL), (document.part.rels, _STYLES_WITH_EFFECTS)):
        for rid in [rid for rid, rel in rels.items() if rel.reltype == reltype]:
            rels.pop(rid)      # the template's blank-page thumbnail and Word 2010's stale copy of the styles
    raw = io.BytesIO()
    document.save(raw)
    stamp = _timestamp(meta.get("dcterms.modified") or meta.get("dcterms.created"))
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():       # python-docx's order: [Content_Types].xml first
            data = _app_xml(meta) if info.filename == "docProps/app.xml" else source.read(info.filename)
            entry = zipfile.ZipInfo(info.filename, date_time=(stamp.year, stamp.month, stamp.day, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, data, compresslevel=6)
    return out.getvalue()
