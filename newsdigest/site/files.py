"""Files every site needs besides its pages: sitemap.xml, robots.txt and 404.html.

The sitemap lists the canonical (absolute) URL of every page a search engine
should know: home, editions, topics, actors and articles, with the article's
modified (or published) date. Over 50,000 URLs it becomes a sitemap index
of numbered sitemaps, as the protocol requires.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from pelican.generators import Generator

from newsdigest.atomic import write_if_changed

SITEMAP_LIMIT = 50_000
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def site_root(siteurl: str) -> str:
    """The path of the site on its host ("" at the root, "/news" in a folder)."""
    return urlsplit(siteurl).path.rstrip("/")


def sitemap_urls(context: dict) -> list[tuple[str, str | None]]:
    """(URL relative to the site, last modified date or None) for every page worth indexing."""
    urls: list[tuple[str, str | None]] = [("", None)]
    urls.append((context.get("EDITIONS_URL", "editions/"), None))
    urls += [(month.url, None) for month in context.get("edition_months", [])]
    urls += [(edition.url, None) for edition in context.get("editions", [])]
    for taxonomy in context.get("taxonomies", {}).values():
        urls.append((taxonomy.index_url, None))
        urls += [(term.url, None) for term in taxonomy.sorted_terms]
    for article in context.get("articles", []):
        changed = getattr(article, "modified", None) or article.date
        urls.append((article.url, changed.isoformat(timespec="seconds")))
    return urls


def sitemap_documents(siteurl: str, urls, limit: int = SITEMAP_LIMIT) -> dict[str, str]:
    """{file name: XML}: sitemap.xml alone, or a sitemap index and its numbered parts."""

    def urlset(chunk) -> str:
        rows = []
        for url, lastmod in chunk:
            row = f"<url><loc>{escape(siteurl + '/' + url)}</loc>"
            if lastmod:
                row += f"<lastmod>{lastmod}</lastmod>"
            rows.append(row + "</url>")
        body = "\n".join(rows)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{body}\n</urlset>\n'

    if len(urls) <= limit:
        return {"sitemap.xml": urlset(urls)}
    documents = {}
    for number, start in enumerate(range(0, len(urls), limit), 1):
        documents[f"sitemap-{number}.xml"] = urlset(urls[start : start + limit])
    parts = "\n".join(
        f"<sitemap><loc>{escape(siteurl + '/' + name)}</loc></sitemap>" for name in documents
    )
    documents["sitemap.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="{SITEMAP_NS}">\n{parts}\n</sitemapindex>\n'
    )
    return documents


def robots_txt(siteurl: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {siteurl}/sitemap.xml\n"


class SiteFilesGenerator(Generator):
    """Writes sitemap.xml, robots.txt and 404.html."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        siteurl = self.settings.get("CANONICAL_SITEURL") or self.settings["SITEURL"]
        output = Path(self.output_path)
        for name, text in sitemap_documents(siteurl, sitemap_urls(self.context)).items():
            write_if_changed(output / name, text)
        write_if_changed(output / "robots.txt", robots_txt(siteurl))
        # A 404 page is served for any missing path, so its links start at the site's root.
        writer.write_file(
            "404.html",
            self.get_template("404"),
            self.context,
            relative_urls=False,
            SITEURL=site_root(siteurl),
            page_name="404",
        )
