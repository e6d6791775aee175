"""Where a built site goes: a folder or SSH host through rsync, a git branch, an S3 bucket.

Publishing talks to every kind through `Target`, so each kind lives in its own module;
make_target picks one by the `type` of its table in publish.toml.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


class PublishError(RuntimeError):
    """Publishing refused or failed; the message says why and what to do."""


@dataclass
class SiteSize:
    files: int
    bytes: int

    def __str__(self) -> str:
        return f"{self.files} files, {self.bytes / 1024:.0f} KiB"


@dataclass
class Changes:
    """Files a deploy adds, changes and deletes, as paths relative to the site root."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.deleted)

    def summary(self) -> str:
        return f"{len(self.added)} added, {len(self.changed)} changed, {len(self.deleted)} deleted"

    def listing(self, limit: int = 40) -> str:
        lines = [f"+ {p}" for p in self.added] + [f"~ {p}" for p in self.changed]
        lines += [f"- {p}" for p in self.deleted]
        if len(lines) > limit:
            lines = lines[:limit] + [f"  ... and {len(lines) - limit} more"]
        return "\n".join(lines)


# Deploys name what they put online (a commit message, a log line) from what changes.
Describe = Callable[[Changes], str]


def local_size(folder: Path) -> SiteSize:
    sizes = [p.stat().st_size for p in Path(folder).rglob("*") if p.is_file()]
    return SiteSize(len(sizes), sum(sizes))


def relative_files(folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in Path(folder).rglob("*") if p.is_file()]


def need_tool(name: str, package: str, target: str) -> None:
    """Raise PublishError unless the command `name` is installed."""
    if shutil.which(name) is None:
        raise PublishError(
            f"target {target}: `{name}` is not installed (apt-get install {package})"
        )


def run_command(args: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    """Run a command; a failure becomes a PublishError that quotes the command's own words."""
    try:
        result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    except FileNotFoundError:
        raise PublishError(f"{what}: `{args[0]}` is not installed") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise PublishError(
            f"{what} failed: {detail[-1] if detail else f'exit {result.returncode}'}"
        )
    return result


class Target(Protocol):
    """What publish and rollback need of a place the site goes."""

    name: str

    def prerequisites(self) -> None:
        """Raise PublishError unless a deploy could run: tools installed, the destination
        reachable and writable (checked without changing it)."""

    def published_size(self) -> SiteSize | None:
        """How big the site online is; None when nothing is published yet."""

    def preview(self, output: Path) -> Changes:
        """What deploying the folder would change, changing nothing."""

    def deploy(self, output: Path, describe: Describe) -> str:
        """Put the folder online; says what happened."""

    def rollback(self, dry_run: bool = False) -> str:
        """Go back to the previous release; says what happened (or would)."""


def _target_types() -> dict[str, type]:
    from newsdigest.publish.targets.git import GitTarget
    from newsdigest.publish.targets.rsync import RsyncTarget
    from newsdigest.publish.targets.s3 import S3Target

    return {"rsync": RsyncTarget, "folder": RsyncTarget, "git": GitTarget, "s3": S3Target}


def make_target(name: str, table: dict) -> Target:
    """A target from its table in publish.toml, with a clear message for a wrong key."""
    table = dict(table)
    kind = table.pop("type", None)
    types = _target_types()
    if kind not in types:
        raise PublishError(
            f"target {name}: type must be one of {', '.join(sorted(types))}, not {kind!r}"
        )
    try:
        return types[kind](name=name, **table)
    except TypeError as error:
        raise PublishError(f"target {name}: {error}") from None
