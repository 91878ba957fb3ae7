"""The board-data file format: reading, validating, loading and exporting (docs/data-format.md)."""

from bot.boarddata.exporter import export_yaml, remember_export
from bot.boarddata.loader import Imported, LoadResult, load_files, load_imported, loaded_unchanged

__all__ = [
    "Imported",
    "LoadResult",
    "export_yaml",
    "load_files",
    "load_imported",
    "loaded_unchanged",
    "remember_export",
]
