"""The board-data file format: reading, validating, loading and exporting (docs/data-format.md)."""

from bot.boarddata.exporter import export_yaml, remember_export
from bot.boarddata.loader import LoadResult, load_files, loaded_unchanged

__all__ = ["LoadResult", "export_yaml", "load_files", "loaded_unchanged", "remember_export"]
