"""Walk the main pages of KeyProjects in a browser as one user, at one width and language.

Used by the browser test (tests/e2e/test_walk.py) and by `make screenshots`
(scripts/screenshots.py). For every page: the page must not scroll sideways, every link it
shows must open for this user (no 404/403), and in English no interface text may be left in
Chinese. Project names, units and other data stay Chinese; interface text is what the
templates write in headers, labels, buttons, menus and headings outside data cells.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = {"desktop": 1440, "phone": 390}

# Links that are actions or files, not pages: following them changes state or downloads.
SKIPPED_LINK = re.compile(
    r"(/logout/|/download/|/file/|\.xlsx|\.csv|\.docx|/export|/admin/|/api/|/i18n/|/static/|^mailto:|^#)"
)

# Interface text in English: the text of elements that only templates write (headers, labels,
# buttons, menus, section titles). Page titles, cells and the speeches carry data (names,
# the speeches' Chinese text); an element marked data-i18n-data is data too.
UNTRANSLATED_JS = """() => {
  const cjk = /[\\u4e00-\\u9fff]/;
  const found = [];
  const selector = 'th, label, button, summary, legend, dt, .card > h2, .sectionhead h2, .navlink, .dropdown a, a.button, input[type=submit]';
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('[data-i18n-data], td, option, .brand, .who, .messages, .speech')) continue;
    let own = '';
    for (const node of el.childNodes) if (node.nodeType === 3) own += node.textContent;
    if (el.tagName === 'INPUT') own = el.value;
    own = own.trim();
    if (own && cjk.test(own)) found.push(el.tagName.toLowerCase() + ': ' + own.slice(0, 40));
  }
  return found;
}"""

# How far the page is wider than the window, and the outermost elements sticking out (to name them).
# Links are checked per pattern (ids replaced): a dead link is a template's (it shows a link the
# role cannot open), so one sample of each pattern per user finds it without requesting every
# project of a long list.
LINK_PATTERN = re.compile(r"\d+")
LINK_SAMPLES = 1

# Record pages (a lead, a bond project, a bulletin, a plan...) are reached from the pages that
# list them: the walk opens the first link of each such pattern it meets, up to this many a user.
DETAIL_LINK = re.compile(r"^/[a-z-]+/(?:[a-z-]+/)*\d+/(?:[a-z-]+/(?:\d+/)?)?$")
DETAILS_PER_USER = 30

OVERFLOW_JS = """() => {
  const over = document.documentElement.scrollWidth - window.innerWidth;
  if (over <= 1) return [over, []];
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const rect = el.getBoundingClientRect();
    if (rect.right > window.innerWidth + 1 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > window.innerWidth + 1)) {
      culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(rect.right) + 'px');
      if (culprits.length >= 3) break;
    }
  }
  return [over, culprits];
}"""

LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter(a => a.offsetParent !== null || a.closest('nav'))
  .map(a => a.getAttribute('href'))"""


@dataclass
class Finding:
    url: str
    problem: str

    def __str__(self):
        return f"{self.url}: {self.problem}"


@dataclass
class WalkResult:
    pages: list[str] = field(default_factory=list)
    overflow: list[Finding] = field(default_factory=list)
    dead_links: list[Finding] = field(default_factory=list)
    untranslated: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)

    def problems(self) -> list[Finding]:
        return [*self.errors, *self.overflow, *self.dead_links, *self.untranslated]


def login(page, base_url: str, username: str, password: str, language: str = "zh-hans"):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    if language != "zh-hans":
        page.context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])


def _same_site(base_url: str, href: str) -> str | None:
    absolute = urljoin(base_url + "/", href)
    if urlsplit(absolute).netloc != urlsplit(base_url).netloc:
        return None
    return absolute


def _overflow(page, path: str, result: WalkResult, note: str = ""):
    overflow, culprits = page.evaluate(OVERFLOW_JS)
    if overflow > 1:
        result.overflow.append(Finding(path, f"{note}{overflow}px wider than the window: {', '.join(culprits)}"))


def walk(
    page,
    base_url: str,
    paths,
    *,
    check_links=True,
    english=False,
    screenshot=None,
    checked=None,
    narrow=None,
    details=0,
):
    """Open every path; return a WalkResult. `checked` (url → status) is shared between
    calls so a link is requested once per user; `screenshot(path, page)` is called per page.
    `narrow` (a width): each page is also checked for overflow at that width, by resizing the
    window of the loaded page (the layout is CSS: media queries apply on resize), instead of
    loading it again. `details`: also open up to that many record pages linked from the pages
    walked, one per URL pattern (result.pages lists them too)."""
    result = WalkResult()
    checked = {} if checked is None else checked
    samples = checked.setdefault("__samples__", {})
    queue = list(paths)
    explored = {LINK_PATTERN.sub("#", path.split("?")[0]) for path in queue}
    for path in queue:
        url = urljoin(base_url + "/", path.lstrip("/"))
        try:
            response = page.goto(url)
        except Exception as error:  # a record link that is a file: not a page to walk
            if "Download is starting" in str(error):
                continue
            raise
        page.wait_for_load_state("load")
        status = response.status if response else 0
        checked[page.url] = checked[url] = status  # a walked page needs no second request as a link
        result.pages.append(path)
        if status >= 400:
            result.errors.append(Finding(path, f"HTTP {status}"))
            continue
        _overflow(page, path, result)
        if narrow:
            wide = page.viewport_size
            page.set_viewport_size({"width": narrow, "height": wide["height"]})
            _overflow(page, path, result, f"at {narrow}px: ")
            page.set_viewport_size(wide)
        if english:
            for text in page.evaluate(UNTRANSLATED_JS):
                result.untranslated.append(Finding(path, text))
        if screenshot:
            screenshot(path, page)
        if check_links:
            for href in page.evaluate(LINKS_JS):
                if not href or SKIPPED_LINK.search(href):
                    continue
                target = _same_site(base_url, href)
                if target is None:
                    continue
                pattern = LINK_PATTERN.sub("#", urlsplit(target).path)
                if details and pattern not in explored and DETAIL_LINK.match(urlsplit(target).path):
                    explored.add(pattern)
                    queue.append(urlsplit(target).path)
                    details -= 1
                if target not in checked and samples.setdefault(pattern, 0) >= LINK_SAMPLES:
                    continue
                if target not in checked:
                    samples[pattern] += 1
                    checked[target] = page.request.get(target, max_redirects=5).status
                if checked[target] in (403, 404):
                    result.dead_links.append(Finding(path, f"{href} → {checked[target]}"))
    return result


def main_paths(user) -> list[str]:
    """The pages `user` works with: its menu, then one of each detail page in its scope
    (a project and its report, problem and approval pages, a report, a problem, an item)."""
    from apps.approvals.models import ApprovalItem
    from apps.core.navigation import nav_groups
    from apps.problems.models import Problem
    from apps.projects.models import Project
    from apps.reporting.models import MonthlyReport

    paths = [item.url for group in nav_groups(user) for item in group.items]
    paths = [path for path in paths if not SKIPPED_LINK.search(path)]
    project = Project.objects.restrict(user).order_by("pk").first()
    if project is not None:
        paths += [
            f"/projects/{project.pk}/",
            f"/reports/project/{project.pk}/",
            f"/problems/project/{project.pk}/",
            f"/approvals/project/{project.pk}/",
        ]
    report = MonthlyReport.objects.restrict(user).order_by("-year", "-month", "pk").first()
    if report is not None:
        paths.append(f"/reports/{report.pk}/")
    problem = Problem.objects.restrict(user).order_by("pk").first()
    if problem is not None:
        paths.append(f"/problems/{problem.pk}/")
    item = ApprovalItem.objects.restrict(user).order_by("pk").first()
    if item is not None:
        paths += [f"/approvals/items/{item.pk}/", "/approvals/items/"]
    paths.append("/dashboard/projects/?indicator=completed_ytd")
    return list(dict.fromkeys(paths))
