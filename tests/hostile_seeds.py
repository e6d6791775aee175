"""The hostile seed corpus: the small files in tests/hostile/ plus the big, binary and special
ones, generated on demand so that the repository does not carry megabytes."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

HOSTILE = Path(__file__).resolve().parent / "hostile"
RUSSIAN_TITLE = "Городской совет утвердил бюджет на следующий год"
PARAGRAPH = (
    "Officials in the port city said on Tuesday that the new ferry line would open in March. " * 20
)

# file name -> words of the one error line it must get
BAD = {
    "empty.txt": "file is empty",
    "whitespace-only.txt": "no text, only white space",
    "no-body.html": "no article text after cleaning",
    "no-body.txt": "no article text after cleaning",
    "unknown-extension.docx": "unknown file type '.docx'",
    "notes.json": "unknown file type '.json'",
    "png-named.txt": "binary (a PNG image)",
    "pdf-named.html": "binary (a PDF document)",
    "random-binary.txt": "binary",
    "folder-named.txt": "directory",
    "too-big.txt": "too large",
    "pipe.txt": "not a regular file",
}

# file name -> (title, words the body must hold)
GOOD = {
    "cp1252-undeclared.txt": (
        "Port City Ferry Line to Open in March",
        ["terminal’s lease", "“the city will not pay a cent more”", "€12 million"],
    ),
    "cp1252-declared.html": ("Ferry line opens in March", ["terminal’s lease", "€12 million"]),
    "cp1251-undeclared.txt": (RUSSIAN_TITLE, ["«Это сбалансированный бюджет»"]),
    "cp1251-declared.html": (RUSSIAN_TITLE, ["общественный транспорт"]),
    "utf8-bom.txt": ("Town Opens New Library After Decade of Planning", ["town’s new library"]),
    "mojibake.txt": ("Minister’s Plan Draws Criticism", ["“It is a mistake,”", "minister’s plan"]),
    "control-chars.txt": (
        "Storm Closes Mountain Pass",
        ["closed the mountain pass on Sunday, stranding", "on Tuesday if the snow stops."],
    ),
    "malformed.html": (
        "Bridge Repairs Finish Early",
        ["finished two weeks early", "Cyclists had used a temporary ferry"],
    ),
    "long-line.txt": ("Council Meets for a Very Long Session", ["The council met again."]),
    "several-mb.txt": ("A Very Long Report on the Ferry Line", ["new ferry line would open"]),
    "several-mb.html": ("A very long page", ["new ferry line would open"]),
}


def make_hostile_seeds(folder: Path) -> Path:
    """Fill `folder` with every hostile case; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in HOSTILE.iterdir():
        if path.is_file():  # tests/hostile/xss/ holds test data, not seeds
            shutil.copy(path, folder)
    noise = random.Random(7).randbytes
    (folder / "png-named.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + noise(4000))
    (folder / "pdf-named.html").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + noise(4000))
    (folder / "random-binary.txt").write_bytes(noise(6000))
    (folder / "folder-named.txt").mkdir()
    (folder / "folder-named.txt" / "inside.txt").write_text("not a seed of its own\n")
    (folder / "long-line.txt").write_text(
        "Council Meets for a Very Long Session\n\n" + "The council met again. " * 60_000 + "\n"
    )
    (folder / "several-mb.txt").write_text(
        "A Very Long Report on the Ferry Line\n\n" + (PARAGRAPH + "\n\n") * 2500
    )
    (folder / "several-mb.html").write_text(
        "<html><head><title>A very long page</title></head><body><article>"
        "<h1>A very long page</h1>" + f"<p>{PARAGRAPH}</p>\n" * 2500 + "</article></body></html>"
    )
    with (folder / "too-big.txt").open("wb") as handle:
        handle.write(b"Too Big\n\n")
        handle.truncate(21 * 2**20)
    os.mkfifo(folder / "pipe.txt")
    return folder
