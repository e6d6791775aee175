"""JSON-LD: the article object a page declares (also inside @graph), as plain fields."""

from __future__ import annotations

import json
import re

from newsdigest.ingest.extract.authors import split_names

# schema.org types of a news or blog article, lower-cased and without their namespace
ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "askpublicnewsarticle",
    "liveblogposting",
    "blogposting",
    "socialmediaposting",
    "report",
    "techarticle",
    "scholarlyarticle",
}
ORGANIZATION_TYPES = {"organization", "newsmediaorganization", "corporation", "organisation"}


def _json_ld_objects(tree):
    """Every JSON object in the page's JSON-LD scripts, flattened out of lists and @graph."""
    for script in tree.xpath("//script[@type]"):
        if script.get("type", "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # raw newlines and tabs inside strings are common and harmless
                data = json.loads(re.sub(r"[\x00-\x1f]+", " ", raw))
            except ValueError:
                continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack[0:0] = item
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack[0:0] = item["@graph"]


def _types(obj: dict) -> set[str]:
    """An object's @type values, lower-cased, without a schema.org URL before them."""
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower().rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _json_ld_article(tree) -> dict | None:
    """The page's article object, with every object of the page by @id to resolve references."""
    objects = list(_json_ld_objects(tree))
    by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    for obj in objects:
        if _types(obj) & ARTICLE_TYPES:
            return {"__ids__": by_id, **obj}
    for obj in objects:  # a WebPage that carries article fields
        if "webpage" in _types(obj) and (obj.get("headline") or obj.get("datePublished")):
            return {"__ids__": by_id, **obj}
    return None


def _fields(article: dict) -> dict:
    """The fields we use from a JSON-LD article object, as plain strings."""
    by_id = article.get("__ids__", {})

    def resolve(value):
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
            return by_id[value["@id"]]
        return value

    def as_text(value):
        value = resolve(value)
        if isinstance(value, list):
            value = value[0] if value else None
            value = resolve(value)
        if isinstance(value, dict):
            value = value.get("name") or value.get("url") or value.get("@id")
        return value if isinstance(value, str) else None

    def as_url(value):
        value = resolve(value)
        if isinstance(value, list):
            value = resolve(value[0]) if value else None
        if isinstance(value, dict):
            value = value.get("url") or value.get("contentUrl") or value.get("@id")
        return value if isinstance(value, str) else None

    authors: list[str] = []
    raw_authors = resolve(article.get("author") or article.get("creator"))
    for person in raw_authors if isinstance(raw_authors, list) else [raw_authors]:
        person = resolve(person)
        if isinstance(person, dict):
            if _types(person) & ORGANIZATION_TYPES:
                continue
            name = person.get("name")
            if isinstance(name, list):
                name = name[0] if name else None
            if isinstance(name, str):
                authors.extend(split_names(name))
        elif isinstance(person, str):
            authors.extend(split_names(person))
    main = resolve(article.get("mainEntityOfPage"))
    url = article.get("url") if isinstance(article.get("url"), str) else None
    if not url and isinstance(main, dict):
        url = main.get("@id") or main.get("url")
    elif not url and isinstance(main, str):
        url = main
    return {
        "headline": as_text(article.get("headline")) or as_text(article.get("name")),
        "authors": authors,
        "datePublished": as_text(article.get("datePublished")),
        "dateCreated": as_text(article.get("dateCreated")),
        "dateModified": as_text(article.get("dateModified")),
        "publisher": as_text(article.get("publisher"))
        or as_text(article.get("sourceOrganization")),
        "url": url if isinstance(url, str) else None,
        "image": as_url(article.get("image")) or as_url(article.get("thumbnailUrl")),
        "inLanguage": as_text(article.get("inLanguage")),
        "description": as_text(article.get("description")),
    }


def json_ld_fields(tree) -> dict:
    """The fields of the page's JSON-LD article; empty when it declares none."""
    article = _json_ld_article(tree)
    return _fields(article) if article else {}
