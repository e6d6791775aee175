"""Cleaning plain-text scrapes in the variants real scrapers produce."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdigest.article import RawArticle
from newsdigest.ingest.clean import CleanError, clean
from newsdigest.ingest.read import decode
from newsdigest.site.markdown import markdown_to_html

BODY = [
    "The central bank held rates on Thursday, citing easing inflation.",
    "“We remain data dependent,” the governor said after the meeting.",
]


def scrape(*lines: str) -> RawArticle:
    text = "\n\n".join(lines)
    return RawArticle(path=Path("x.txt"), format="text", text=decode(text.encode()), digest="0")


@pytest.mark.parametrize(
    "byline",
    [
        "Admin",
        "Editorial Staff",
        "News Desk",
        "Staff Reporter",
        "By Admin",
        "Sports Desk",
        "By Reuters",
        "Political Correspondent",
        "By Our Foreign Staff",
    ],
)
def test_placeholder_bylines_give_no_author(byline):
    article = clean(scrape("Bank Holds Rates", byline, "Bank Holds Rates", *BODY))
    assert article.author is None
    assert article.body.split("\n\n") == BODY


@pytest.mark.parametrize(
    "byline, author",
    [
        ("By Jane Doe", "Jane Doe"),
        ("by Jane Doe and John Roe", "Jane Doe and John Roe"),
        ("Jane Doe", "Jane Doe"),
    ],
)
def test_real_bylines_give_author(byline, author):
    assert clean(scrape("Bank Holds Rates", byline, *BODY)).author == author


def test_no_byline_and_no_repeated_title():
    article = clean(scrape("Bank Holds Rates", *BODY))
    assert article.title == "Bank Holds Rates"
    assert article.author is None
    assert article.body.split("\n\n") == BODY


def test_trailers_and_chrome_lines_are_dropped():
    article = clean(
        scrape(
            "Bank Holds Rates",
            "Admin",
            BODY[0],
            "Advertisement",
            BODY[1],
            "For more details on monetary policy, visit Reuters.",
            "Read More",
            "Share this:",
            "Facebook",
            "Related Posts",
            "Another headline entirely",
        )
    )
    assert article.body.split("\n\n") == BODY
    assert article.source_name == "Reuters"


def test_source_link_glued_to_the_next_title():
    article = clean(scrape("Bank Holds Rates", *BODY, "Source linkNext Story Headline Here"))
    assert article.body.split("\n\n") == BODY


def test_crlf_cp1252_and_mojibake_read_as_the_same_text():
    text = "Ukraine’s Bank Holds Rates\r\n\r\nAdmin\r\n\r\nThe bank’s board met on Thursday — and held.\r\n"
    expected = "The bank’s board met on Thursday — and held."
    for data in (
        text.encode("utf-8"),
        text.encode("cp1252"),
        text.encode("utf-8").decode("cp1252").encode("utf-8"),
    ):
        article = clean(
            RawArticle(path=Path("x.txt"), format="text", text=decode(data), digest="0")
        )
        assert article.title == "Ukraine’s Bank Holds Rates"
        assert article.body == expected


def test_date_line_is_read_and_removed():
    article = clean(
        scrape("Bank Holds Rates", "Admin", "Published: 14 March 2025 09:30 GMT", *BODY)
    )
    assert article.date == "2025-03-14T09:30:00+00:00"
    assert article.body.split("\n\n") == BODY
    assert clean(scrape("Bank Holds Rates", "March 14, 2025", *BODY)).date == "2025-03-14"


def test_markdown_characters_stay_literal_text():
    lines = [
        "# not a heading",
        "1. not a list",
        "> not a quote",
        "a *star* and _under_ and [bracket](x) and <b>tag</b> & &amp; done",
        "- not a bullet",
    ]
    article = clean(scrape("Title Here", *lines))
    html = markdown_to_html(article.body)
    assert (
        "<h1" not in html and "<ol" not in html and "<blockquote" not in html and "<ul" not in html
    )
    assert "<em>" not in html and "<b>" not in html and "<a " not in html
    for line in lines:
        rendered = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert rendered in html


def test_summary_is_one_or_two_sentences_of_the_lead():
    lead = "First sentence of the lead. Second sentence here. Third sentence is not wanted."
    article = clean(scrape("Title Here", "[Updated 14:20 with reaction]", lead))
    assert article.summary == "First sentence of the lead. Second sentence here."


def test_no_body_after_cleaning_is_an_error():
    with pytest.raises(CleanError, match="no article text"):
        clean(scrape("Title Only", "Admin", "Source link"))


def test_a_source_line_links_the_original_and_leaves_the_body():
    text = (
        "Talks resume in Geneva\nAdmin\nTalks resume in Geneva\n"
        "Diplomats from both sides met on Monday in Geneva for a new round of talks.\n\n"
        "The talks are expected to last three days, officials said.\n\n"
        "Source: https://www.example.org/world/talks-resume/\n"
    )
    article = clean(RawArticle(path=Path("talks.txt"), format="text", text=text, digest=""))
    assert article.source_url == "https://www.example.org/world/talks-resume/"
    assert "example.org" not in article.body
    named = clean(
        RawArticle(
            path=Path("t.txt"),
            format="text",
            text=text.replace(
                "Source: https://www.example.org/world/talks-resume/", "Source: Reuters"
            ),
            digest="",
        )
    )
    assert named.source_name == "Reuters" and named.source_url is None
    hostile = clean(
        RawArticle(
            path=Path("t.txt"),
            format="text",
            text=text.replace("https://www.example.org/world/talks-resume/", "javascript:alert(1)"),
            digest="",
        )
    )
    assert hostile.source_url is None
