"""Deploys to an S3-compatible bucket; boto3 is optional, so it is imported only when used."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from newsdigest.publish.targets import Changes, Describe, PublishError, SiteSize, relative_files

# Each object gets its type and how long browsers and caches may keep it.
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

    def _needs_boto3(self) -> PublishError:
        return PublishError(f"target {self.name} needs boto3: pip install -e '.[s3]'")

    def _client(self):
        try:
            import boto3
        except ImportError:
            raise self._needs_boto3() from None
        from botocore.config import Config

        config = Config(connect_timeout=10, retries={"max_attempts": 3})
        return boto3.client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.region, config=config
        )

    def _call(self, action, what: str):
        """Run a store action; the store's own error becomes a PublishError."""
        try:
            from botocore.exceptions import BotoCoreError, ClientError
        except ImportError:
            raise self._needs_boto3() from None

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
            for path in relative_files(output)
        }
        remote = {key: etag for key, (etag, _) in self._remote(client).items()}
        return plan_sync(local, remote)

    def prerequisites(self) -> None:
        """boto3 installed and the bucket reachable with these credentials."""
        client = self._client()
        self._call(lambda: client.head_bucket(Bucket=self.bucket), f"reaching bucket {self.bucket}")

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
