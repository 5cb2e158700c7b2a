"""PDF writer: WeasyPrint over the composed HTML."""
from .engine import pdf_document, render_pdf

__all__ = ["pdf_document", "render_pdf"]
