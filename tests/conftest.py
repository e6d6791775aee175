"""Shared fixtures: a real ingest and a real Pelican build of the demo seeds, once per test run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from newsdigest.ingest.run import ingest
from newsdigest.site.build import build_site

# Tests build preview sites: production settings from the caller's environment must not leak in.
for _name in [
    n for n in os.environ if n.startswith("NEWSDIGEST_") and n != "NEWSDIGEST_EXTRACTION_DEV"
]:
    del os.environ[_name]

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILE = "000_630b42074d3af39e.txt"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> dict[str, Path]:
    """The demo seeds ingested into a fresh content folder and built into a fresh output folder."""
    base = tmp_path_factory.mktemp("demo")
    seeds = base / "seeds"
    shutil.copytree(SEEDS, seeds)
    content, output = base / "content", base / "output"
    report = ingest(seeds, content)
    build_site(content, output)
    return {"seeds": seeds, "content": content, "output": output, "report": report}


@pytest.fixture
def seeds_dir(tmp_path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    return folder
