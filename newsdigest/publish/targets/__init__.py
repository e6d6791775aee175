"""Where a built site goes: a folder or SSH host through rsync, a git branch, an S3 bucket.

Every target answers the same four questions: how big is the site online (`published_size`),
what would change (`preview`), put this folder online (`deploy`), go back one release (`rollback`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


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


def _run(args: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
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


def release_name(now: dt.datetime | None = None) -> str:
    """Sortable, unique enough for one publish at a time: UTC time to the microsecond."""
    now = now or dt.datetime.now(dt.UTC)
    return now.strftime("%Y%m%dT%H%M%S%fZ")


# rsync: compare by content (Pelican rewrites every file, so times say nothing), delete only
# after every new file is in place, and give files the permissions a web server can read.
RSYNC_COPY = ["-rl", "--checksum", "--delete-after", "-p", "--chmod=D755,F644"]


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
        return _run(args, f"{what} on {self.path}").stdout

    def _rsync(self, *args: str, what: str) -> str:
        remote = ["-e", self.rsh] if self.host else []
        return _run(["rsync", *remote, *args], what).stdout

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
            return Changes(added=sorted(_relative_files(output)))
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
        self._shell(f"mkdir -p {shlex.quote(self.folder + '/releases')}", "creating releases/")
        link = [f"--link-dest=../{current}"] if current else []
        self._rsync(
            *RSYNC_COPY, *link, f"{output}/", self._address(f"releases/{name}"), what="rsync"
        )
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


def _relative_files(folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in Path(folder).rglob("*") if p.is_file()]


@dataclass
class GitTarget:
    """A branch of a git repository (for example gh-pages), written with ghp-import.

    Work happens in a throw-away clone of the branch, so the project's own repository and
    branches are never touched. A commit is pushed only when the site's files changed.
    """

    name: str
    repository: str
    branch: str = "gh-pages"
    cname: str | None = None
    nojekyll: bool = True

    def __post_init__(self):
        # A path on this machine is taken from where the command runs, not from the work clone.
        if "://" not in self.repository and not re.match(r"^[^/]+:", self.repository):
            self.repository = os.path.abspath(os.path.expanduser(self.repository))

    def _git(self, repo: Path, *args: str, what: str) -> str:
        return _run(["git", *args], what, cwd=repo).stdout.strip()

    def _clone(self, workdir: Path) -> str | None:
        """A bare repository holding the branch's last two commits; returns its tip, if any."""
        self._git(workdir, "init", "-q", "--bare", what="git init")
        self._git(workdir, "remote", "add", "target", self.repository, what="git remote add")
        heads = _run(
            ["git", "ls-remote", "--heads", self.repository, self.branch],
            f"reaching {self.repository}",
            cwd=workdir,
        ).stdout
        if not heads.strip():
            return None
        ref = f"refs/remotes/target/{self.branch}"
        self._git(
            workdir,
            "fetch",
            "-q",
            "--depth",
            "2",
            "target",
            f"+refs/heads/{self.branch}:{ref}",
            what=f"fetching {self.branch}",
        )
        return self._git(workdir, "rev-parse", ref, what="git rev-parse")

    def published_size(self) -> SiteSize | None:
        with tempfile.TemporaryDirectory(prefix="newsdigest-publish-") as tmp:
            tip = self._clone(Path(tmp))
            if tip is None:
                return None
            tree = self._git(Path(tmp), "ls-tree", "-r", "-l", tip, what="git ls-tree")
        sizes = [int(line.split()[3]) for line in tree.splitlines() if line.split()[1] == "blob"]
        return SiteSize(len(sizes), sum(sizes))

    def _commit(
        self, workdir: Path, tip: str | None, output: Path, message: str
    ) -> tuple[str, Changes]:
        """Commit the folder on top of the branch's tip with ghp-import; the commit and changes."""
        self._git(workdir, "update-ref", "-d", f"refs/heads/{self.branch}", what="git update-ref")
        args = [sys.executable, "-m", "ghp_import", "-b", self.branch, "-r", "target"]
        args += ["-m", message, *(["-n"] if self.nojekyll else [])]
        args += ["-c", self.cname] if self.cname else []
        _run([*args, str(Path(output).resolve())], "ghp-import", cwd=workdir, env=_git_identity())
        commit = self._git(workdir, "rev-parse", f"refs/heads/{self.branch}", what="git rev-parse")
        if commit == tip:
            raise PublishError("ghp-import made no commit")
        if tip is None:
            files = self._git(workdir, "ls-tree", "-r", "--name-only", commit, what="git ls-tree")
            return commit, Changes(added=files.splitlines())
        diff = self._git(
            workdir,
            "diff-tree",
            "-r",
            "--no-renames",
            "--name-status",
            tip,
            commit,
            what="git diff",
        )
        changes = Changes()
        for line in diff.splitlines():
            status, path = line.split("\t", 1)
            {"A": changes.added, "D": changes.deleted}.get(status, changes.changed).append(path)
        return commit, changes

    def preview(self, output: Path) -> Changes:
        with tempfile.TemporaryDirectory(prefix="newsdigest-publish-") as tmp:
            tip = self._clone(Path(tmp))
            return self._commit(Path(tmp), tip, output, "preview")[1]

    def deploy(self, output: Path, describe: Describe) -> str:
        with tempfile.TemporaryDirectory(prefix="newsdigest-publish-") as tmp:
            tip = self._clone(Path(tmp))
            changes = self._commit(Path(tmp), tip, output, "preview")[1]
            if not changes:
                return f"{self.name}: nothing changed; {self.branch} stays as it is"
            message = describe(changes)
            commit, changes = self._commit(Path(tmp), tip, output, message)
            self._git(
                Path(tmp),
                "push",
                "-q",
                "target",
                f"{commit}:refs/heads/{self.branch}",
                what=f"pushing {self.branch}",
            )
        return f"{self.name}: {message}; {changes.summary()}; pushed {commit[:10]} to {self.branch}"

    def rollback(self, dry_run: bool = False) -> str:
        """A new commit with the tree the branch had before its last commit (no history rewrite)."""
        with tempfile.TemporaryDirectory(prefix="newsdigest-publish-") as tmp:
            repo = Path(tmp)
            tip = self._clone(repo)
            parent = (
                tip
                and subprocess.run(
                    ["git", "rev-parse", "-q", "--verify", f"{tip}~1"],
                    capture_output=True,
                    text=True,
                    cwd=repo,
                ).stdout.strip()
            )
            if not parent:
                raise PublishError(f"target {self.name}: {self.branch} has no earlier commit")
            subject = self._git(repo, "log", "-1", "--format=%s", parent, what="git log")
            if dry_run:
                return f"{self.name}: would restore {parent[:10]} ({subject}) on {self.branch}"
            commit = _run(
                [
                    "git",
                    "commit-tree",
                    f"{parent}^{{tree}}",
                    "-p",
                    tip,
                    "-m",
                    f"Roll back to {parent[:10]}: {subject}",
                ],
                "git commit-tree",
                cwd=repo,
                env=_git_identity(),
            ).stdout.strip()
            self._git(
                repo,
                "push",
                "-q",
                "target",
                f"{commit}:refs/heads/{self.branch}",
                what=f"pushing {self.branch}",
            )
        return f"{self.name}: rolled back {self.branch} to {parent[:10]} ({subject})"


def _git_identity() -> dict[str, str]:
    """Commits need a name; a machine with no git identity (a fresh CI runner) gets one."""
    env = dict(os.environ)
    for kind in ("AUTHOR", "COMMITTER"):
        if not _git_config("user.name"):
            env.setdefault(f"GIT_{kind}_NAME", "newsdigest")
        if not _git_config("user.email"):
            env.setdefault(f"GIT_{kind}_EMAIL", "newsdigest@localhost")
    return env


def _git_config(key: str) -> str:
    result = subprocess.run(["git", "config", key], capture_output=True, text=True)
    return result.stdout.strip()


# Object stores: each file gets its type and how long browsers and caches may keep it.
FEED_TYPES = {".atom.xml": "application/atom+xml", ".rss.xml": "application/rss+xml"}


def content_type(path: str) -> str:
    for suffix, kind in FEED_TYPES.items():
        if path.endswith(suffix):
            return kind + "; charset=utf-8"
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    textual = kind.startswith("text/") or kind in ("application/javascript", "application/json")
    return kind + "; charset=utf-8" if textual or kind.endswith("+xml") else kind


def is_page(path: str) -> bool:
    """Pages and feeds change with every edition; everything else is an asset."""
    return path.endswith((".html", ".htm", ".xml"))


def plan_sync(local: dict[str, str], remote: dict[str, str]) -> Changes:
    """What to upload and delete, from MD5 digests of local files and the store's ETags."""
    changes = Changes()
    for key, digest in sorted(local.items()):
        if key not in remote:
            changes.added.append(key)
        elif remote[key].strip('"') != digest:
            changes.changed.append(key)
    changes.deleted = sorted(set(remote) - set(local))
    return changes


@dataclass
class S3Target:
    """A bucket of an S3-compatible store. Uploads assets, then pages, then deletes what is gone;
    an object store has no atomic switch, so readers may briefly see a mix (see docs)."""

    name: str
    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    cache_html: str = "public, max-age=300"
    cache_assets: str = "public, max-age=86400"

    def _client(self):
        try:
            import boto3
        except ImportError:
            raise PublishError(f"target {self.name} needs boto3: pip install -e '.[s3]'") from None
        from botocore.config import Config

        config = Config(connect_timeout=10, retries={"max_attempts": 3})
        return boto3.client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.region, config=config
        )

    def _call(self, action, what: str):
        """Run a store action; the store's own error becomes a PublishError."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return action()
        except (BotoCoreError, ClientError) as error:
            raise PublishError(f"target {self.name}: {what} failed: {error}") from None

    def _key(self, path: str) -> str:
        return f"{self.prefix.strip('/')}/{path}" if self.prefix.strip("/") else path

    def _remote(self, client) -> dict[str, tuple[str, int]]:
        prefix = self._key("")
        objects = {}
        for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        ):
            for item in page.get("Contents", []):
                objects[item["Key"][len(prefix) :]] = (item["ETag"], item["Size"])
        return objects

    def _plan(self, client, output: Path) -> Changes:
        local = {
            path: hashlib.md5((output / path).read_bytes(), usedforsecurity=False).hexdigest()
            for path in _relative_files(output)
        }
        remote = {key: etag for key, (etag, _) in self._remote(client).items()}
        return plan_sync(local, remote)

    def published_size(self) -> SiteSize | None:
        objects = self._call(lambda: self._remote(self._client()), "listing the bucket")
        if not objects:
            return None
        return SiteSize(len(objects), sum(size for _, size in objects.values()))

    def preview(self, output: Path) -> Changes:
        return self._call(lambda: self._plan(self._client(), output), "listing the bucket")

    def deploy(self, output: Path, describe: Describe) -> str:
        return self._call(lambda: self._upload(output, describe), "uploading")

    def _upload(self, output: Path, describe: Describe) -> str:
        client = self._client()
        changes = self._plan(client, output)
        if not changes:
            return f"{self.name}: nothing changed; the bucket stays as it is"
        message = describe(changes)
        uploads = changes.added + changes.changed
        # Assets first, pages last: a new page never points at an asset not yet uploaded.
        for path in sorted(uploads, key=is_page):
            client.put_object(
                Bucket=self.bucket,
                Key=self._key(path),
                Body=(output / path).read_bytes(),
                ContentType=content_type(path),
                CacheControl=self.cache_html if is_page(path) else self.cache_assets,
            )
        for start in range(0, len(changes.deleted), 1000):
            batch = changes.deleted[start : start + 1000]
            client.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": self._key(p)} for p in batch], "Quiet": True},
            )
        return f"{self.name}: {message}; {changes.summary()} in s3://{self.bucket}/{self.prefix}"

    def rollback(self, dry_run: bool = False) -> str:
        raise PublishError(
            f"target {self.name} is an object store and keeps no releases; publish an earlier "
            "build instead (see docs/publishing.md)"
        )


TARGET_TYPES = {"rsync": RsyncTarget, "folder": RsyncTarget, "git": GitTarget, "s3": S3Target}


def make_target(name: str, table: dict):
    """A target from its table in publish.toml, with a clear message for a wrong key."""
    table = dict(table)
    kind = table.pop("type", None)
    if kind not in TARGET_TYPES:
        raise PublishError(
            f"target {name}: type must be one of {', '.join(sorted(TARGET_TYPES))}, not {kind!r}"
        )
    try:
        return TARGET_TYPES[kind](name=name, **table)
    except TypeError as error:
        raise PublishError(f"target {name}: {error}") from None
