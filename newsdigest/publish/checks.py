"""Checks of a built site, in one place: `invoke check` runs the link checker, and publish
deploys nothing unless every check here passes.

The link checker reads every HTML page and feed in the output folder and resolves each link,
stylesheet, script, image and form action the way a browser would, from the page's own URL.
Links to other hosts are not fetched. Absolute links to the site itself (canonical URLs, feed
entries) are checked against the folder.
"""

from __future__ import annotations

import posixpath
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import feedparser
from lxml import etree, html

from newsdigest.publish.targets import PublishError, SiteSize, local_size

if TYPE_CHECKING:
    from newsdigest.publish.command import PublishConfig

LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "form": "action"}
FEED_SUFFIXES = (".atom.xml", ".rss.xml")


@dataclass(frozen=True)
class BrokenLink:
    page: str  # path of the page in the output folder
    link: str  # the link as written
    reason: str

    def __str__(self):
        return f"{self.page}: {self.link} ({self.reason})"


class LinkChecker:
    def __init__(self, output: Path, siteurl: str = ""):
        self.output = Path(output)
        split = urlsplit(siteurl)
        self.site_host = split.netloc
        self.site_path = split.path.rstrip("/")  # the site's folder on its host, "" at the root
        self._anchors: dict[Path, set[str]] = {}

    def check(self) -> list[BrokenLink]:
        broken: list[BrokenLink] = []
        for path in sorted(self.output.rglob("*")):
            if path.suffix == ".html":
                broken += self.check_page(path)
            elif path.name.endswith(FEED_SUFFIXES) or path.name.startswith("sitemap"):
                broken += self.check_feed(path)
        return broken

    def check_page(self, path: Path) -> list[BrokenLink]:
        document = self._parse_html(path)
        page = self._page_url(path)
        broken = []
        for element in document.iter(*LINK_ATTRIBUTES):
            value = element.get(LINK_ATTRIBUTES[element.tag])
            if value is None:
                continue
            reason = self._problem(page, value.strip())
            if reason:
                broken.append(BrokenLink(self._name(path), value, reason))
        return broken

    def check_feed(self, path: Path) -> list[BrokenLink]:
        """Feeds and sitemaps carry absolute links to the site: each must reach a file."""
        try:
            tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as error:
            return [BrokenLink(self._name(path), "", f"not well-formed XML: {error}")]
        broken = []
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            tag = etree.QName(element).localname
            value = element.get("href") if tag == "link" else element.text
            if tag not in ("link", "loc") or not value:
                continue
            value = value.strip()
            if urlsplit(value).netloc != self.site_host:
                continue
            reason = self._problem(self.site_path + "/", value)
            if reason:
                broken.append(BrokenLink(self._name(path), value, reason))
        return broken

    def _problem(self, page: str, link: str) -> str | None:
        """Why `link` on the page at URL path `page` is broken, or None when it is fine."""
        if not link:
            return None
        split = urlsplit(link)
        if split.scheme and split.scheme not in ("http", "https"):
            return None  # mailto:, tel:, data:
        if split.netloc and split.netloc != self.site_host:
            return None  # another host: not checked
        if not split.path and not split.netloc:
            target = page  # "#anchor" or "?query" on the same page
        else:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), split.path))
            if split.path.endswith("/") and not target.endswith("/"):
                target += "/"
        if self.site_path:
            if not (target == self.site_path or target.startswith(self.site_path + "/")):
                return "outside the site"
            target = target[len(self.site_path) :] or "/"
        file = self._file(unquote(target))
        if file is None:
            return "no such file"
        if split.fragment and split.fragment not in self._ids(file):
            return f"no element with id {split.fragment!r}"
        return None

    def _file(self, target: str) -> Path | None:
        relative = target.lstrip("/")
        if relative.startswith("../") or relative == "..":
            return None
        candidate = self.output / relative
        if target.endswith("/") or candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def _ids(self, file: Path) -> set[str]:
        if file not in self._anchors:
            if file.suffix == ".html":
                document = self._parse_html(file)
                names = {e.get("id") for e in document.iter() if e.get("id")}
                names |= {e.get("name") for e in document.iter("a") if e.get("name")}
            else:
                names = set()
            self._anchors[file] = names
        return self._anchors[file]

    def _page_url(self, path: Path) -> str:
        """The URL path a page is served at: "/" for index.html, "/a/b/" for a/b/index.html,
        under the site's folder when it has one."""
        relative = path.relative_to(self.output).as_posix()
        if relative == "index.html":
            relative = ""
        elif relative.endswith("/index.html"):
            relative = relative[: -len("index.html")]
        return f"{self.site_path}/{relative}"

    @staticmethod
    def _parse_html(path: Path):
        return html.fromstring(path.read_bytes())

    def _name(self, path: Path) -> str:
        return path.relative_to(self.output).as_posix()


def check_links(output: Path, siteurl: str = "") -> list[BrokenLink]:
    """Every broken internal link in the built site (empty when all links work)."""
    return LinkChecker(output, siteurl).check()


def run_check(output: Path) -> None:
    """`invoke check`: print each broken link; exit 1 when there is any."""
    if not Path(output).is_dir():
        print(f"error: {output}/ does not exist; run `invoke build` first", file=sys.stderr)
        raise SystemExit(1)
    from newsdigest.site.build import pelican_settings

    settings = pelican_settings(Path("content"), Path(output))
    siteurl = settings.get("CANONICAL_SITEURL") or settings["SITEURL"]
    broken = check_links(Path(output), siteurl)
    for link in broken:
        print(link)
    pages = sum(1 for _ in Path(output).rglob("*.html"))
    if broken:
        print(f"check: {len(broken)} broken link(s) in {pages} pages", file=sys.stderr)
        raise SystemExit(1)
    print(f"check: {pages} pages, no broken internal link")


def feed_problems(output: Path, feed_domain: str) -> list[str]:
    """Every feed must parse and link to absolute addresses on the feed domain."""
    problems = []
    feeds = sorted(p for p in Path(output).rglob("*.xml") if p.name.endswith(FEED_SUFFIXES))
    for path in feeds:
        name = path.relative_to(output).as_posix()
        feed = feedparser.parse(path.read_bytes())
        if feed.bozo:
            problems.append(f"feed {name} does not parse: {feed.get('bozo_exception')}")
            continue
        for entry in feed.entries:
            link = entry.get("link", "")
            if not link.startswith(feed_domain.rstrip("/") + "/"):
                problems.append(f"feed {name}: entry link {link!r} is not on {feed_domain}")
                break
    return problems


def link_problems(output: Path, site_url: str) -> list[str]:
    return [f"broken internal link: {link}" for link in check_links(Path(output), site_url)]


def size_problems(
    output: Path, published: SiteSize | None, min_ratio: float, force: bool
) -> list[str]:
    """Guard against wiping the site: an empty build, or one much smaller than the site online."""
    built = local_size(output)
    if built.files == 0 or not (Path(output) / "index.html").is_file():
        return [f"{output}/ is empty or has no index.html"]
    if published is None or force:
        return []
    if built.bytes < min_ratio * published.bytes or built.files < min_ratio * published.files:
        return [
            f"{output}/ ({built}) is much smaller than the site online ({published}); "
            f"publish with --force if that is intended"
        ]
    return []


def check_site(output: Path, config: PublishConfig, published: SiteSize | None, force=False):
    """Every reason not to deploy, in one refusal."""
    site_url = config.site_url.rstrip("/")
    feed_domain = config.feed_domain.rstrip("/") or site_url
    problems = size_problems(Path(output), published, config.min_size_ratio, force)
    if not problems:
        problems += link_problems(Path(output), site_url)
        problems += feed_problems(Path(output), feed_domain)
    if problems:
        shown = problems[:20] + (
            [f"... and {len(problems) - 20} more"] if len(problems) > 20 else []
        )
        raise PublishError("checks failed:\n  " + "\n  ".join(shown))
