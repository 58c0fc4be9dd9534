"""The main menu: one registry of pages, grouped, each shown to the roles that use it.

base.html renders `nav_groups(user, path)` (template tag `nav_menu`). A new page is one
`NavEntry` line in ENTRIES (or `register(NavEntry(...))` from an app's `ready()`); the order
of ENTRIES is the order within a group. A group with one visible entry is a plain link.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import pgettext_lazy

from apps.accounts.models import Role

ALL_ROLES = frozenset(Role.values)
# Everyone except the owner unit's reporter, whose work is its own projects' reports.
OFFICE_ROLES = ALL_ROLES - {Role.OWNER_REPORTER}
REPORTERS = frozenset({Role.CITY_ADMIN, Role.COUNTY_USER, Role.OWNER_REPORTER})
VERIFIERS = frozenset({Role.CITY_ADMIN, Role.COUNTY_USER, Role.DEPARTMENT_USER})
ADMIN = frozenset({Role.CITY_ADMIN})
RECORD_KEEPERS = frozenset({Role.CITY_ADMIN, Role.AUDITOR, Role.AUDIT_ADMIN})


def _leader_with_person(user) -> bool:
    return user.role == Role.CITY_LEADER and user.person_id is not None


def _staff(user) -> bool:
    return user.is_staff


# (key, label): the groups in menu order. Labels are translated with the "nav" context so
# a menu word (审批 = Approvals) is not confused with the same word elsewhere (审批 = decide).
GROUPS = (
    ("dispatch", pgettext_lazy("nav", "调度")),
    ("projects", pgettext_lazy("nav", "项目")),
    ("reports", pgettext_lazy("nav", "月报")),
    ("approvals", pgettext_lazy("nav", "审批")),
    ("problems", pgettext_lazy("nav", "问题")),
    ("data", pgettext_lazy("nav", "数据")),
    ("admin", pgettext_lazy("nav", "管理")),
)


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    group: str
    roles: frozenset = ALL_ROLES
    # An extra condition on the user (a leader linked to a person, staff), when the role is not enough.
    when: Callable | None = field(default=None, compare=False)

    def visible_to(self, user) -> bool:
        return user.role in self.roles and (self.when is None or self.when(user))


ENTRIES: list[NavEntry] = [
    NavEntry(pgettext_lazy("nav", "调度看板"), "dashboard:index", "dispatch"),
    NavEntry(pgettext_lazy("nav", "讲话数据"), "dashboard:speech", "dispatch", OFFICE_ROLES),
    NavEntry(pgettext_lazy("nav", "调度会"), "problems:meetings", "dispatch", OFFICE_ROLES),
    NavEntry(pgettext_lazy("nav", "督办事项"), "problems:actions", "dispatch", OFFICE_ROLES),
    NavEntry(pgettext_lazy("nav", "现场调度"), "briefs:visits", "dispatch", OFFICE_ROLES),
    NavEntry(pgettext_lazy("nav", "项目库"), "projects:list", "projects"),
    NavEntry(pgettext_lazy("nav", "我包抓的项目"), "projects:mine", "projects", when=_leader_with_person),
    NavEntry(pgettext_lazy("nav", "我的月报"), "reporting:mine", "reports", REPORTERS),
    NavEntry(pgettext_lazy("nav", "审核队列"), "reporting:queue", "reports", VERIFIERS),
    NavEntry(pgettext_lazy("nav", "未报名单"), "reporting:unreported", "reports"),
    NavEntry(pgettext_lazy("nav", "填报期"), "reporting:periods", "reports", ADMIN),
    NavEntry(pgettext_lazy("nav", "审批待办"), "approvals:worklist", "approvals"),
    NavEntry(pgettext_lazy("nav", "超期审批"), "approvals:overdue", "approvals", OFFICE_ROLES),
    NavEntry(pgettext_lazy("nav", "审批统计"), "approvals:figures", "approvals", OFFICE_ROLES),
    NavEntry(pgettext_lazy("nav", "问题清单"), "problems:list", "problems"),
    NavEntry(pgettext_lazy("nav", "我协调的问题"), "problems:leader", "problems", when=_leader_with_person),
    NavEntry(pgettext_lazy("nav", "部门待办"), "problems:queue", "problems", frozenset({Role.DEPARTMENT_USER})),
    NavEntry(pgettext_lazy("nav", "问题统计"), "problems:figures", "problems", OFFICE_ROLES),
    NavEntry(pgettext_lazy("nav", "函件"), "problems:letters", "problems", OFFICE_ROLES),
    NavEntry(pgettext_lazy("nav", "数据导入"), "imports:list", "data", REPORTERS),
    NavEntry(pgettext_lazy("nav", "导出记录"), "exports:records", "data", RECORD_KEEPERS),
    NavEntry(pgettext_lazy("nav", "工作日历"), "workdays:calendar", "data", ADMIN),
    NavEntry(pgettext_lazy("nav", "变更记录"), "audit:list", "admin", RECORD_KEEPERS),
    NavEntry(pgettext_lazy("nav", "基础数据"), "admin:index", "admin", when=_staff),
    NavEntry(pgettext_lazy("nav", "我的账户"), "accounts:account", "admin"),
    NavEntry(pgettext_lazy("nav", "API 文档"), "api:openapi-view", "admin", RECORD_KEEPERS | {Role.COUNTY_USER}),
]


def register(entry: NavEntry) -> None:
    """Add a page to the menu (for apps that prefer to register from their AppConfig.ready)."""
    if entry.group not in dict(GROUPS):
        raise ValueError(f"unknown menu group {entry.group!r}")
    if entry not in ENTRIES:
        ENTRIES.append(entry)


@dataclass
class NavItem:
    label: str
    url: str
    active: bool


@dataclass
class NavGroup:
    key: str
    label: str
    items: list[NavItem]

    @property
    def active(self) -> bool:
        return any(item.active for item in self.items)


def _url(entry: NavEntry) -> str | None:
    # The menu is on every page and its URLs take no arguments: reverse each once per prefix.
    return _reversed(entry.url_name, get_script_prefix())


@receiver(setting_changed)
def _urlconf_changed(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()


@functools.lru_cache(maxsize=512)
def _reversed(url_name: str, prefix: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        # A page whose app is not installed in this deployment is simply not in the menu.
        return None


def nav_entries(user) -> list[NavEntry]:
    """The entries `user` sees, in registry order."""
    if user is None or not user.is_authenticated:
        return []
    return [entry for entry in ENTRIES if entry.visible_to(user)]


def nav_groups(user, path: str = "") -> list[NavGroup]:
    """The visible menu for `user`: non-empty groups in GROUPS order; the entry whose URL is
    the longest prefix of `path` is marked active."""
    visible = [(entry, url) for entry in nav_entries(user) if (url := _url(entry))]
    best = max((url for _, url in visible if path.startswith(url) and url != "/"), key=len, default=None)
    groups = []
    for key, label in GROUPS:
        items = [NavItem(str(entry.label), url, url == best) for entry, url in visible if entry.group == key]
        if items:
            groups.append(NavGroup(key, str(label), items))
    return groups
