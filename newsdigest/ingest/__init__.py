"""Ingest: seeds in, article files out. read -> clean (text scrape | HTML extract) -> tag -> write.

`run.ingest` is the entry point; each stage is a module (or package) of its own.
"""
