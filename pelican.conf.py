"""Pelican settings for the newsdigest site. Production values come from publish.toml or
NEWSDIGEST_* environment variables (see README, "Publishing")."""

import os

# ---- The site's identity: edit these -------------------------------------------------------
SITENAME = "newsdigest"
SITESUBTITLE = "The day's news, cleaned, tagged and digested"
# The preview address (`invoke serve` serves any port); `invoke publish` uses publish.toml's.
SITEURL = "http://127.0.0.1:8000"
DEFAULT_LANG = "en"
# A deployment may override them without editing this file.
SITENAME = os.environ.get("NEWSDIGEST_SITENAME", SITENAME)
SITESUBTITLE = os.environ.get("NEWSDIGEST_SITESUBTITLE", SITESUBTITLE)
SITEURL = os.environ.get("NEWSDIGEST_SITEURL", SITEURL).rstrip("/")
DEFAULT_LANG = os.environ.get("NEWSDIGEST_LANG", DEFAULT_LANG)

AUTHOR = "newsdigest"
# Pages link relatively for a local preview; feeds always carry absolute links.
FEED_DOMAIN = SITEURL
RELATIVE_URLS = "NEWSDIGEST_SITEURL" not in os.environ
# Canonical links, Open Graph, JSON-LD and the sitemap always carry absolute URLs.
CANONICAL_SITEURL = SITEURL

PATH = "content"
# Article files carry their metadata in front matter: their names are read for none (Pelican
# would read a slug that starts "2025-26-10" as a date, fail, and leave the article out).
FILENAME_METADATA = ""
OUTPUT_PATH = "output"
THEME = "theme"
PLUGINS = ["newsdigest.site"]
TIMEZONE = "UTC"
DEFAULT_DATE_FORMAT = "%-d %B %Y"
ARTICLE_TRANSLATION_ID = None
# Articles a page of a topic or actor holds. Its archive pages, numbered from the oldest
# so that they never shift, are topics/<slug>/page/<n>/ (taxonomies.listing_pages).
DEFAULT_PAGINATION = 20
PAGINATED_TEMPLATES = {}
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}

# Articles live at <yyyy>/<mm>/<slug>/: date and slug never change once published.
ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"


def newest_first(article):
    """Newest first; articles of the same moment by slug, so that every build orders them alike."""
    return (-article.date.timestamp(), article.slug)


ARTICLE_ORDER_BY = newest_first
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{slug}/index.html"
# An article in another language keeps the same URL scheme (Pelican would add -<lang>.html).
ARTICLE_LANG_URL = ARTICLE_URL
ARTICLE_LANG_SAVE_AS = ARTICLE_SAVE_AS
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""

# Home = the digest of the latest days; one page per day and per month (newsdigest/site/editions.py).
EDITION_URL = "editions/{date:%Y}/{date:%m}/{date:%d}/"
EDITION_SAVE_AS = "editions/{date:%Y}/{date:%m}/{date:%d}/index.html"
EDITION_MONTH_URL = "editions/{date:%Y}/{date:%m}/"
EDITION_MONTH_SAVE_AS = "editions/{date:%Y}/{date:%m}/index.html"
HOME_EARLIER_EDITIONS = 7  # days listed beside the home page's digest
# The home page reads as a digest: the latest day and, while it is thin, the days before it.
HOME_MIN_ARTICLES = 20
HOME_MAX_DAYS = 3
# No page grows with a day's size: at most this many articles per topic on the home page and
# on an edition's page, then a link to the rest.
EDITION_SECTION_LIMIT = 8
# headlines per day on a month's archive page, then a link to the day's edition
MONTH_DAY_HEADLINES = 10
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"

# Pelican's own categories, tags and authors give way to our taxonomies.
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = ""
# Every article is in one hidden category: Pelican's draft and archive code expects one.
USE_FOLDER_AS_CATEGORY = False
DEFAULT_METADATA = {"category": "news"}
TAG_SAVE_AS = TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
# The home, editions, search, 404 and sitemap are written by our plugins.
DIRECT_TEMPLATES = []

# Taxonomies, declared once: each is a front matter field of the articles, with its vocabulary
# (vocab/<vocabulary>.yaml), URLs, feeds and how pages show it. Term pages, indexes, feeds,
# search entries, page keys and templates follow from this declaration; a new taxonomy is a
# declaration here and a vocabulary file.
TAXONOMIES = {
    "topics": {
        "singular": "topic",
        "title": "Topics",
        "url": "topics/{slug}/",
        "save_as": "topics/{slug}/index.html",
        "index_url": "topics/",
        "index_save_as": "topics/index.html",
        "feed_atom": "feeds/topics/{slug}.atom.xml",
        "feed_rss": "feeds/topics/{slug}.rss.xml",
        "vocabulary": "topics",  # slug and IPTC code from vocab/topics.yaml
        "hierarchy": True,  # a topic's page lists its subtopics' articles too
    },
    "actors": {
        "singular": "actor",
        "title": "Actors",
        "url": "actors/{slug}/",
        "save_as": "actors/{slug}/index.html",
        "index_url": "actors/",
        "index_save_as": "actors/index.html",
        "feed_atom": "feeds/actors/{slug}.atom.xml",
        "feed_rss": "feeds/actors/{slug}.rss.xml",
        "vocabulary": "actors",  # kind and role from vocab/actors.yaml
        # actors found by ingest and not accepted yet: kind and role from its review list
        "proposed": "candidates.yaml",
        # a new actor is published once two articles name it, or an editor accepts it
        "publish_proposed_from": 2,
        "group_by": "kind",
        "groups": {"person": "People", "organisation": "Organisations", "state": "States"},
        "other_group": "Not yet classified",
        "quotes": True,  # an actor page shows what the actor said
        "card_label": "Actors in this article",
        "article_heading": "Who is in this story",
        "card_limit": 6,  # actors shown on an article card
    },
}

# The taxonomy that sections each edition, categorises feed entries and gives keywords.
PRIMARY_TAXONOMY = "topics"

FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
FEED_ATOM = FEED_RSS = None
CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = None
FEED_MAX_ITEMS = 50
# Full article text in the site-wide feeds; set to True for summaries only (Atom and RSS).
RSS_FEED_SUMMARY_ONLY = os.environ.get("NEWSDIGEST_FEED_SUMMARY_ONLY", "") == "1"
# Topic and actor feeds: summary and link of each article (False: full text, as above).
TERM_FEED_SUMMARY_ONLY = os.environ.get("NEWSDIGEST_TERM_FEED_FULL", "") != "1"

# Drafts (`status: draft`) are shown in preview builds; `invoke publish` sets this to False.
PUBLISH_DRAFTS = True

# Images hosted by the sources appear as links ("show" would load them from the source's host).
REMOTE_IMAGES = "link"

STATIC_PATHS = []
IGNORE_FILES = [".*", "candidates.yaml"]
# Articles as read are kept by newsdigest.site (read_cache.py), which fills the generator-level
# cache Pelican asks before reading a file; Pelican's own content cache stays off.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
CONTENT_CACHING_LAYER = "generator"
CHECK_MODIFIED_METHOD = "mtime"
CACHE_PATH = "cache"  # `invoke build` puts it beside the output folder
