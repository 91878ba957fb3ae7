"""Calendar feeds: each member's meetings as iCalendar over HTTP, at URLs carrying a revocable token.

- links.py: the feed tokens (a hash stored, a key held elsewhere) and the URLs made of them.
- ics.py: meetings as an iCalendar file, built with the `icalendar` package.
- feeds.py: what a GET of a feed URL answers, read from the database.
"""
