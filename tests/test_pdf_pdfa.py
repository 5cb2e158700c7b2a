"""PDF/A-2b for archiving (build --pdfa or the profile's pdf.variant): XMP metadata naming the part and
conformance, an sRGB output intent, every font embedded."""
from __future__ import annotations

import io

import pikepdf
import pytest

from generator.render.pdf.engine import pdf_bytes, render_pdf


@pytest.fixture(scope="module")
def pdfa(built):
    result = built("shanxi-2024").result
    return pdf_bytes(render_pdf(result.html, result.profile, result.loaded.base_dir), "pdf/a-2b")


def test_xmp_metadata_declares_pdfa_2b(pdfa):
    with pikepdf.open(io.BytesIO(pdfa)) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert "山西省政务服务投诉举报中心" in str(meta.get("dc:title", ""))


def test_output_intent_is_srgb(pdfa):
    with pikepdf.open(io.BytesIO(pdfa)) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
        assert intents[0].DestOutputProfile.read_bytes()[36:40] == b"acsp"     # an ICC profile


def test_every_font_is_embedded(pdfa):
    seen = 0
    with pikepdf.open(io.BytesIO(pdfa)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descendants = font.get("/DescendantFonts") or [font]
                for part in descendants:
                    descriptor = part.FontDescriptor
                    assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
                    seen += 1
    assert seen >= 4
