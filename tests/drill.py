"""Checking that every count on a figures page links to exactly the items it counts: each link
whose text is a whole number is followed, and the list it opens must count that many."""

import html
import re

COUNT_LINK = re.compile(r'<a href="([^"]+)"[^>]*>\s*(\d+)\s*</a>')


def count_links(page: str, path: str) -> list[tuple[str, int]]:
    """(href, shown count) of the page's links to `path` whose text is a number."""
    return [(html.unescape(href), int(n)) for href, n in COUNT_LINK.findall(page) if href.startswith(path)]


def assert_counts_drill_down(client, page_url: str, list_path: str, *, count=None, minimum: int = 1) -> int:
    """Every count linked from `page_url` to `list_path` opens a list of that many items (`count`
    reads the number from the list's response; by default its paginator's count)."""
    count = count or (lambda response: response.context["page"].paginator.count)
    links = count_links(client.get(page_url).content.decode(), list_path)
    assert len(links) >= minimum, links
    for href, shown in links:
        response = client.get(href if href.startswith("/") else page_url.split("?")[0] + href)
        assert response.status_code == 200, href
        assert count(response) == shown, (href, shown, count(response))
    return len(links)
