"""The shell: viewflow's Site with one menu per role, in Vietnamese, and none of viewflow's unscoped views."""

import re
from html import unescape

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.site import site
from tests.builders import make_user, nominate

MENU_LABELS = {
    "workflows:inbox": "Hộp việc",
    "workflows:queue": "Hàng chờ",
    "workflows:archive": "Đã xử lý",
    "workflows:nominate": "Lập hồ sơ mới",
    "cases:list": "Hồ sơ",
    "workflows:supervise": "Giám sát",
    "workflows:people": "Cán bộ và vai trò",
    "approvals:sessions": "Họp xét",
    "approvals:decisions": "Quyết định",
    "inspection:search": "Tra cứu nhật ký",
    "inspection:integrity": "Toàn vẹn",
    "inspection:access_log": "Truy cập dữ liệu cá nhân",
    "notifications:list": "Thông báo",
    "reports:coverage_index": "Độ phủ so với chỉ tiêu",
    "reports:imports": "Nhập dữ liệu",
}
# What each role finds in its menu (the "menu per role").
WORK = ["workflows:inbox", "workflows:queue", "workflows:archive"]
COLLECTIVE = ["approvals:sessions", "approvals:decisions"]
INSPECTION = ["inspection:search", "inspection:integrity", "inspection:access_log"]
COVERAGE = "reports:coverage_index"
EXPECTED_MENU = {
    "officer_a1": [*WORK, "workflows:nominate", "cases:list", COVERAGE, "notifications:list"],
    "commune_officer_a": [
        *WORK,
        "workflows:nominate",
        "workflows:people",
        "cases:list",
        *COLLECTIVE,
        COVERAGE,
        "reports:imports",
        "notifications:list",
    ],
    "assessor_a1": [*WORK, "cases:list", COVERAGE, "notifications:list"],
    "head_a1": [*WORK, "cases:list", *COLLECTIVE, COVERAGE, "notifications:list"],
    "chair_a": [*WORK, "cases:list", *COLLECTIVE, COVERAGE, "notifications:list"],
    "auditor": [*WORK, "cases:list", *COLLECTIVE, COVERAGE, "notifications:list"],
    "supervisor_a": [
        "workflows:supervise",
        "workflows:people",
        "cases:list",
        *COLLECTIVE,
        COVERAGE,
        "notifications:list",
    ],
    "inspector": ["cases:list", *COLLECTIVE, COVERAGE, *INSPECTION, "notifications:list"],
}
# English texts viewflow's templates would show, and our own English msgids of the menu.
ENGLISH = [
    "Log out",
    "Logout",
    "Login",
    "Profile",
    "Inbox",
    "Queue",
    "Search",
    "Applications",
    "Django Material",
    "Open navigation menu",
    "No applications found",
    "Back",
    "Work",
    "Cases",
    "New case",
    "Done",
    "Menu",
]


def _menu(html: str) -> str:
    start = html.index('<nav class="mdc-drawer__content">')
    return html[start : html.index("</nav>", start)]


def _menu_urls(html: str) -> list[str]:
    return re.findall(r'<a class="mdc-list-item[^"]*" href="([^"]+)"', _menu(html))


def _visible_text(html: str) -> str:
    """What a reader or a screen reader gets: text nodes plus aria-label, title, placeholder and alt."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    attributes = re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', body)
    text = re.sub(r"<[^>]+>", " ", body)
    return unescape(" ".join([text, *attributes]))


@pytest.mark.parametrize("key", sorted(EXPECTED_MENU))
def test_each_role_gets_its_menu(client, world, key):
    client.force_login(world.user(key))
    html = client.get(reverse("cases:list")).content.decode()

    assert _menu_urls(html) == [reverse(name) for name in EXPECTED_MENU[key]]
    menu = _menu(html)
    for name in EXPECTED_MENU[key]:
        assert MENU_LABELS[name] in menu


def test_a_user_without_any_role_is_told_so_and_kept_out_of_the_areas(client, world):
    client.force_login(make_user())
    response = client.get(reverse("workflows:inbox"))
    assert response.status_code == 403
    html = response.content.decode()
    assert _menu_urls(html) == []
    assert "chưa được mở khu vực làm việc nào" in html
    assert client.get(reverse("cases:list")).status_code == 403


@pytest.mark.parametrize("name", ["workflows:inbox", "workflows:queue", "workflows:archive"])
def test_the_work_area_refuses_roles_that_take_no_step(client, world, name):
    client.force_login(world.user("inspector"))
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


def test_anonymous_users_are_sent_to_log_in_not_refused(client, world):
    for name in ("workflows:inbox", "cases:list"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


def test_the_shell_shows_the_user_log_out_language_and_messages(client, world):
    user = world.user("officer_a1")
    user.first_name, user.last_name = "Vân", "Đặng Thị"
    user.save()
    client.force_login(user)
    # a message set by one request is shown on the next page
    response = client.post(reverse("workflows:claim"), {}, follow=True)
    html = response.content.decode()

    assert re.search(r'class="vf-page__menu-title who">\s*Đặng Thị Vân\s*<', html)
    assert f'action="{reverse("logout")}"' in html and "Đăng xuất" in html
    assert f'action="{reverse("set_language")}"' in html and 'value="en"' in html
    assert re.search(r'<ul class="messages"><li class="warning">[^<]+</li></ul>', html)
    assert reverse("admin:index") not in html  # not staff


def test_staff_find_the_administration_in_the_menu(client, world):
    user = world.user("commune_officer_a")
    user.is_staff = True
    user.save()
    client.force_login(user)
    html = client.get(reverse("workflows:inbox")).content.decode()
    assert f'href="{reverse("admin:index")}"' in html and "Quản trị" in html


@pytest.mark.parametrize("key", ["officer_a1", "supervisor_a"])
def test_no_english_is_left_in_the_vietnamese_shell(client, world, key):
    case = nominate(world, world.village_a1)
    client.force_login(world.user(key))
    pages = [reverse("cases:list"), reverse("cases:detail", args=[case.pk]), "/ho-so/999999/"]
    if key == "officer_a1":
        pages += [
            reverse(n)
            for n in ("workflows:inbox", "workflows:queue", "workflows:archive", "workflows:nominate")
        ]
    else:
        pages.append(reverse("workflows:inbox"))  # the 403 page
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        html = response.content.decode()
        assert 'lang="vi"' in html, url
        text = _visible_text(html)
        leftovers = [word for word in ENGLISH if re.search(rf"\b{word}\b", text)]
        assert not leftovers, f"{url} shows {leftovers}"
        assert "Hồ sơ" in _menu(html), url


def test_the_login_page_is_vietnamese_and_has_no_menu(client, db):
    html = client.get(reverse("login")).content.decode()
    assert 'lang="vi"' in html and "Học tập suốt đời" in html
    assert 'class="mdc-drawer__content"' not in html
    text = _visible_text(html)
    assert not [word for word in ENGLISH if re.search(rf"\b{word}\b", text)]


def test_english_shell_on_request(client, world):
    client.force_login(world.user("officer_a1"))
    html = client.get(reverse("workflows:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    menu = _menu(html)
    assert 'lang="en"' in html
    for label in ("Inbox", "Queue", "Done", "New case", "Cases", "Log out"):
        assert label in html
    assert "Hộp việc" not in menu


def _all_views(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _all_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "view_class", pattern.callback)
            yield prefix + str(pattern.pattern), view


def test_no_url_leads_to_viewflows_unscoped_process_and_task_views():
    from viewflow.workflow.flow import views as flow_views
    from viewflow.workflow.flow.viewset import FlowAppViewset, FlowViewset

    unscoped = tuple(
        getattr(flow_views, name)
        for name in dir(flow_views)
        if isinstance(getattr(flow_views, name), type)
        and ("List" in name or "Detail" in name or "Dashboard" in name)
    )
    assert len(unscoped) >= 5  # the list, detail and dashboard views are really there to look for
    views = list(_all_views(get_resolver().url_patterns))
    assert any(url == "cong-viec/hop-viec/" for url, _ in views)  # the walk reaches the site's areas
    for url, view in views:
        assert view.__module__.split(".")[0] != "viewflow" or view.__name__ == "_IndexRedirectView", url
        assert not (isinstance(view, type) and issubclass(view, unscoped)), url
    assert not [area for area in site.viewsets if isinstance(area, FlowViewset | FlowAppViewset)]


def test_areas_keep_their_paths_and_url_names():
    assert reverse("workflows:inbox") == "/cong-viec/hop-viec/"
    assert reverse("workflows:queue") == "/cong-viec/hang-cho/"
    assert reverse("workflows:archive") == "/cong-viec/da-xu-ly/"
    assert reverse("cases:list") == "/ho-so/"
    assert reverse("cases:detail", args=[7]) == "/ho-so/7/"
    assert [area.app_name for area in site.viewsets] == [
        "workflows",
        "cases",
        "approvals",
        "reports",
        "inspection",
        "notifications",
    ]


def test_an_area_index_leads_to_its_first_page(client, world):
    client.force_login(world.user("officer_a1"))
    response = client.get("/cong-viec/", follow=True)
    assert response.status_code == 200 and response.request["PATH_INFO"] == reverse("workflows:inbox")


def test_a_superuser_without_roles_sees_the_cases_and_the_administration(client, world, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.vn", "pw")
    client.force_login(root)
    html = client.get(reverse("cases:list")).content.decode()
    expected = [
        "workflows:people",  # the province's IT officer manages people before any role exists
        "cases:list",
        *COLLECTIVE,
        COVERAGE,
        "reports:imports",
        "reports:golive",
        *INSPECTION,
        "notifications:list",
        "admin:index",
    ]
    assert _menu_urls(html) == [reverse(name) for name in expected]


def test_pages_load_only_the_shell_assets_they_use(client, world):
    client.force_login(world.user("officer_a1"))
    html = client.get(reverse("workflows:inbox")).content.decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert "/static/viewflow/js/viewflow.min.js" in assets and "/static/css/app.css" in assets
    assert not [a for a in assets if "vis-network" in a or "roboto" in a], assets
    assert all(re.search(r"<script [^>]*defer", tag) for tag in re.findall(r"<script [^>]*src=[^>]*>", html))


def test_collectstatic_hashes_compresses_and_skips_viewflows_unused_assets():
    from django.apps import apps
    from django.contrib.staticfiles.finders import get_finders

    import config.settings as configured

    assert configured.STORAGES["staticfiles"]["BACKEND"] == "config.staticfiles.HashedStaticFilesStorage"
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    collected = {path for finder in get_finders() for path, _ in finder.list(ignore)}
    assert {"viewflow/js/viewflow.min.js", "viewflow/css/viewflow.min.css", "css/app.css"} <= collected
    unused = ("vis-network", "node_modules", "simple-icons", "viewflow/js/contrib/", "trix")
    assert not [path for path in collected if any(u in path for u in unused)]


def test_pages_travel_compressed_and_evidence_files_as_they_are(client, world):
    from cases import services
    from tests.builders import pdf_upload, required_evidence_items

    case = nominate(world, world.village_a1)
    officer = world.user("officer_a1")
    item = required_evidence_items(case).first()
    evidence = services.add_evidence(case, item=item, upload=pdf_upload(), actor=officer)
    client.force_login(officer)

    page = client.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_ENCODING="gzip, br")
    assert page.status_code == 200 and page["Content-Encoding"] == "gzip"

    url = reverse("cases:evidence", args=[case.pk, evidence.pk])
    download = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert download.status_code == 200 and not download.has_header("Content-Encoding")
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.urls("tests.config.outside_urls")
def test_a_page_mounted_outside_the_areas_still_has_the_menu(client, world):
    client.force_login(world.user("assessor_a1"))
    html = client.get("/ngoai/").content.decode()
    assert _menu_urls(html) == [reverse(name) for name in EXPECTED_MENU["assessor_a1"]]


def test_static_urls_are_hashed_after_collectstatic_and_plain_before(tmp_path):
    import json

    from config.staticfiles import HashedStaticFilesStorage

    before = HashedStaticFilesStorage(location=str(tmp_path))
    assert before.url("css/app.css") == "/static/css/app.css"  # a fresh checkout still works

    manifest = {"version": "1.1", "paths": {"css/app.css": "css/app.0123456789ab.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    after = HashedStaticFilesStorage(location=str(tmp_path))
    assert after.url("css/app.css") == "/static/css/app.0123456789ab.css"
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        after.url("css/not-collected.css")  # a file added without collectstatic is an error, not a guess
