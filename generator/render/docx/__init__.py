"""DOCX writer: python-docx over the same composed HTML."""
from .writer import docx_bytes

__all__ = ["docx_bytes"]
