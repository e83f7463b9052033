"""The web platform (Django): organisations, people, the evaluation editor and the review workflow.

A thin shell over the core: documents are validated, settled, scored and checked
by :mod:`jixiao.editing`; this package stores them, decides who may do what
(:mod:`jixiao.web.access`, the one place for permission decisions) and draws the
pages. ``jixiao serve`` starts it on SQLite with a demo bureau; ``DATABASE_URL``
points it at PostgreSQL.
"""
