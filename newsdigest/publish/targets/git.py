"""Deploys to a branch of a git repository (for example gh-pages), one commit per edition."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from newsdigest.publish.targets import (
    Changes,
    Describe,
    PublishError,
    SiteSize,
    need_tool,
    run_command,
)


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

    def prerequisites(self) -> None:
        need_tool("git", "git", self.name)
        run_command(["git", "ls-remote", "--heads", self.repository], f"reaching {self.repository}")

    def _git(self, repo: Path, *args: str, what: str) -> str:
        return run_command(["git", *args], what, cwd=repo).stdout.strip()

    def _clone(self, workdir: Path) -> str | None:
        """A bare repository holding the branch's last two commits; returns its tip, if any."""
        self._git(workdir, "init", "-q", "--bare", what="git init")
        self._git(workdir, "remote", "add", "target", self.repository, what="git remote add")
        heads = run_command(
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
        run_command(
            [*args, str(Path(output).resolve())], "ghp-import", cwd=workdir, env=_git_identity()
        )
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
            commit = run_command(
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
