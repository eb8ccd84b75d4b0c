"""Plain-Python logic behind the MkDocs hooks.

Functions here work on files, URLs and HTML strings, not on MkDocs objects,
so they can move to another generator (Zensical) and be tested on their own.
The modules in ``hooks/*.py`` are the thin MkDocs adapters that call them.
"""
