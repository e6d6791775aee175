"""Deploys to a folder, on this machine or over SSH, as releases switched by one rename."""

from __future__ import annotations

import datetime as dt
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from newsdigest.publish.targets import (
    Changes,
    Describe,
    PublishError,
    SiteSize,
    need_tool,
    relative_files,
    run_command,
)


def release_name(now: dt.datetime | None = None) -> str:
    """Sortable, unique enough for one publish at a time: UTC time to the microsecond."""
    now = now or dt.datetime.now(dt.UTC)
    return now.strftime("%Y%m%dT%H%M%S%fZ")


# rsync: compare by content (Pelican rewrites every file, so times say nothing), delete only
# after every new file is in place, and give files the permissions a web server can read.
RSYNC_COPY = ["-rl", "--checksum", "--delete-after", "-p", "--chmod=D755,F644"]
INCOMPLETE = ".incomplete-"  # a release being copied; `ls` lists no hidden names


def parse_itemized(text: str) -> Changes:
    """rsync --itemize-changes output to file changes; attribute-only lines are not changes."""
    changes = Changes()
    for line in text.splitlines():
        if line.startswith("*deleting"):
            path = line.split(None, 1)[1]
            if not path.endswith("/"):
                changes.deleted.append(path)
        elif len(line) > 12 and line[0] in "<>c" and line[1] == "f":
            path = line[12:]
            (changes.added if line[2:11] == "+" * 9 else changes.changed).append(path)
    return changes


@dataclass
class RsyncTarget:
    """A folder, local (`/srv/www/site`) or on an SSH host (`user@host:/srv/www/site`).

    With releases (the default) each deploy is a new `releases/<time>/` folder, hard-linking
    unchanged files to the live release, and the `current` symlink is switched to it with one
    rename. Without releases, rsync updates the folder itself.
    """

    name: str
    path: str
    keep: int = 5
    releases: bool = True
    rsh: str = "ssh"

    def __post_init__(self):
        match = re.match(r"^([^/:]+):(.+)$", self.path)
        self.host, self.folder = (match.group(1), match.group(2)) if match else (None, self.path)
        self.folder = self.folder.rstrip("/") or "/"
        if self.keep < 2 and self.releases:
            raise PublishError(f"target {self.name}: keep at least 2 releases for a rollback")

    def _address(self, relative: str = "") -> str:
        folder = f"{self.folder}/{relative}".rstrip("/") + "/"
        return f"{self.host}:{folder}" if self.host else folder

    def _shell(self, script: str, what: str) -> str:
        if self.host:
            args = [*shlex.split(self.rsh), self.host, "sh -c " + shlex.quote(script)]
        else:
            args = ["sh", "-c", script]
        return run_command(args, f"{what} on {self.path}").stdout

    def _rsync(self, *args: str, what: str) -> str:
        remote = ["-e", self.rsh] if self.host else []
        return run_command(["rsync", *remote, *args], what).stdout

    def state(self) -> tuple[bool, str | None, list[str]]:
        """Whether the folder exists, the live release, and all releases (oldest first)."""
        folder = shlex.quote(self.folder)
        script = (
            f"cd {folder} 2>/dev/null || {{ echo missing; exit 0; }}; echo present; "
            "readlink current || echo; ls -1 releases 2>/dev/null || true"
        )
        lines = self._shell(script, "reading the releases").splitlines()
        if not lines or lines[0] != "missing" and len(lines) < 2:
            raise PublishError(f"target {self.name}: unexpected answer from {self.path}")
        if lines[0] == "missing":
            return False, None, []
        current = lines[1].strip().rstrip("/").rsplit("/", 1)[-1] or None
        return True, current, sorted(line for line in lines[2:] if line.strip())

    def _live(self) -> str | None:
        """Address of the live site, or None when nothing is published yet."""
        exists, current, _ = self.state()
        if not exists:
            return None
        if self.releases:
            return self._address(f"releases/{current}") if current else None
        return self._address()

    def prerequisites(self) -> None:
        need_tool("rsync", "rsync", self.name)
        if self.host:
            need_tool(shlex.split(self.rsh)[0], "openssh-client", self.name)
        # The folder, or the nearest folder above it that exists, must be writable.
        script = (
            f'd={shlex.quote(self.folder)}; while [ ! -e "$d" ]; do d=$(dirname "$d"); done; '
            'test -d "$d" -a -w "$d" || { echo "$d is not a writable folder" >&2; exit 1; }'
        )
        self._shell(script, "checking the destination")

    def published_size(self) -> SiteSize | None:
        live = self._live()
        if live is None:
            return None
        listing = self._rsync("-r", "--list-only", "--no-human-readable", live, what="listing")
        sizes = [int(line.split()[1]) for line in listing.splitlines() if line.startswith("-")]
        return SiteSize(len(sizes), sum(sizes))

    def preview(self, output: Path) -> Changes:
        live = self._live()
        if live is None:
            return Changes(added=sorted(relative_files(output)))
        text = self._rsync(
            "-n", "--itemize-changes", *RSYNC_COPY, f"{output}/", live, what="rsync dry run"
        )
        return parse_itemized(text)

    def deploy(self, output: Path, describe: Describe) -> str:
        changes = self.preview(output)
        if not changes:
            return f"{self.name}: nothing changed; the site online stays as it is"
        message = describe(changes)
        if not self.releases:
            self._shell(f"mkdir -p {shlex.quote(self.folder)}", "creating the folder")
            self._rsync(*RSYNC_COPY, f"{output}/", self._address(), what="rsync")
            return f"{self.name}: {message}; {changes.summary()} in {self.path}"
        _, current, releases = self.state()
        name = release_name()
        # A release is copied under a hidden name and renamed when whole: one that a killed
        # publish left half made is never listed, kept, nor rolled back to, and goes here.
        folder = shlex.quote(self.folder + "/releases")
        self._shell(
            f"mkdir -p {folder} && cd {folder} && rm -rf -- {INCOMPLETE}*", "creating releases/"
        )
        # Changed files are sent whole: rsync's security updates of 2026 (Debian 12's 3.2.7,
        # 3.4.x before its fix) discard a file rebuilt over SSH against a basis that a relative
        # `--link-dest` names ("failed verification -- update discarded", rsync issue 928).
        # Pages are small; unchanged files are still hard-linked, not sent.
        link = [f"--link-dest=../{current}", "--whole-file"] if current else []
        partial = f"{INCOMPLETE}{name}"
        try:
            self._rsync(
                *RSYNC_COPY, *link, f"{output}/", self._address(f"releases/{partial}"), what="rsync"
            )
        except PublishError:  # nothing half made stays behind
            self._shell(f"cd {folder} && rm -rf -- {partial}", "removing the failed copy")
            raise
        self._shell(f"cd {folder} && mv -T -- {partial} {name}", "completing the release")
        self._activate(name)
        pruned = self._prune([*releases, name], name)
        return f"{self.name}: {message}; {changes.summary()}; releases/{name} is live" + (
            f"; removed {len(pruned)} old release(s)" if pruned else ""
        )

    def _activate(self, name: str) -> None:
        """Point `current` at a release: a new symlink renamed over the old one, in one step."""
        folder = shlex.quote(self.folder)
        release = shlex.quote(f"releases/{name}")
        script = (
            f"cd {folder} && test -d {release} && ln -s {release} .current.$$ "
            "&& mv -T -f .current.$$ current"
        )
        self._shell(script, "switching the live release")

    def _prune(self, releases: list[str], live: str) -> list[str]:
        old = [r for r in sorted(releases)[: -self.keep] if r != live]
        if old:
            names = " ".join(shlex.quote(r) for r in old)
            folder = shlex.quote(self.folder + "/releases")
            self._shell(f"cd {folder} && rm -rf -- {names}", "removing old releases")
        return old

    def rollback(self, dry_run: bool = False) -> str:
        if not self.releases:
            raise PublishError(f"target {self.name} keeps no releases, so it cannot roll back")
        _, current, releases = self.state()
        if current is None:
            raise PublishError(f"target {self.name}: nothing is published at {self.path}")
        earlier = [r for r in releases if r < current]
        if not earlier:
            raise PublishError(f"target {self.name}: no release older than {current} to go back to")
        previous = earlier[-1]
        if dry_run:
            return f"{self.name}: would switch from releases/{current} to releases/{previous}"
        self._activate(previous)
        return f"{self.name}: rolled back from releases/{current} to releases/{previous}"
