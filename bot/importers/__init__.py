"""Importers: board data from where councils keep it, merged like a reload (bot.boarddata.load_imported).

Each importer is a module here with `NAME`, `HELP`, `add_arguments(parser)` and
`read(args) -> list[Imported]`; `boardbot import NAME …` (bot/importers/command.py) runs it.
"""
