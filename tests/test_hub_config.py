"""The hub's groups, roles and services, as JupyterHub's configuration receives them."""

from __future__ import annotations

from pathlib import Path

import pytest
from traitlets.config import Config

from hoctap.hub.accounts import demo_accounts
from hoctap.hub.config import configure
from hoctap.hub.pages import PAGE_SCOPES, ROLE_SCOPES, pages_for
from hoctap.settings import Settings


def test_each_group_gets_its_pages_and_only_trainers_the_course(home: Path) -> None:
    settings = Settings.from_env({"HOCTAP_HOME": str(home)})
    demo_accounts(settings, ("hv001", "Học viên mẫu"))
    c = Config()
    configure(c, settings, 8000, 8003)
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    # The roles name nbgrader's groups (the authenticator puts each account in one at log-in).
    assert roles["hoctap-trainee"]["groups"] == ["nbgrader-hoctap"]
    assert roles["hoctap-trainer"]["groups"] == ["formgrade-hoctap"]
    assert roles["hoctap-judge"]["groups"] == ["hoctap-giamkhao"]
    course_access = "access:services!service=hoctap"
    assert course_access in roles["hoctap-trainer"]["scopes"]
    assert not any(course_access in r["scopes"] for n, r in roles.items() if n != "hoctap-trainer")
    # A trainee's server may read its owner's groups (nbgrader's JupyterHubAuthPlugin).
    assert "read:users:groups!user" in roles["server"]["scopes"]
    services = {s["name"]: s for s in c.JupyterHub.services}
    assert services["hoctap-pages"]["url"] == "http://127.0.0.1:8003"
    assert services["hoctap"]["url"] == "http://127.0.0.1:8004"
    # Trainees take contests on the contest service, which only they are given.
    assert services["hoctap-thi"]["url"] == "http://127.0.0.1:8005"
    contest_access = "access:services!service=hoctap-thi"
    assert [n for n, r in roles.items() if contest_access in r["scopes"]] == ["hoctap-trainee"]
    # hoctap hub runs both beside the hub (a slow start must not stop the hub's).
    assert not any("command" in service for service in services.values())
    assert set(services["hoctap-pages"]["oauth_client_allowed_scopes"]) == set(
        c.JupyterHub.custom_scopes
    )
    assert c.ConfigurableHTTPProxy.api_url == "http://127.0.0.1:8001"
    assert c.HoctapSpawner.course_service is True
    # Every page is either open to all who log in or needs a scope some role has.
    granted = {scope for scopes in ROLE_SCOPES.values() for scope in scopes}
    assert {s for s in PAGE_SCOPES.values() if s} <= granted
    assert pages_for("trainee") == ["overview.ipynb"]


def test_a_trainee_alone_gets_jupyterlab_on_their_own_workspace(home: Path) -> None:
    """`hoctap serve --trainee` (no hub): the same workspace the hub's spawner gives."""
    from hoctap.hub.serve import lab_service

    settings = Settings.from_env({"HOCTAP_HOME": str(home)})
    service = lab_service(settings, 8888, "token-123", trainee="hv001")
    workspace = home / "trainees" / "hv001"
    assert f"--ServerApp.root_dir={workspace}" in service.argv
    config = (workspace / "nbgrader_config.py").read_text("utf-8")
    assert "c.CourseDirectory.student_id = 'hv001'" in config


def test_a_page_opens_only_by_its_exact_name_and_with_its_scope() -> None:
    from hoctap.hub.pages import refusal

    board = "/services/hoctap-pages/voila/render/leaderboard.ipynb"
    judge = ["custom:hoctap:leaderboard", "custom:hoctap:results"]
    assert refusal(board, judge, "giamkhao") is None
    assert "không được mở trang “Xếp loại" in (
        refusal(board, ["custom:hoctap:progress"], "hv") or ""
    )
    assert refusal("/services/hoctap-pages/voila/render/overview.ipynb", [], "hv") is None
    assert refusal("/services/hoctap-pages/api/kernels/abc", [], "hv") is None  # not a page


ODD_NAMES = [
    "/leaderboard.ipynb",
    "./leaderboard.ipynb",
    "%6Ceaderboard.ipynb",
    "x/../leaderboard.ipynb",
]


@pytest.mark.parametrize("odd", ODD_NAMES)
def test_a_page_under_another_spelling_of_its_name_is_not_there(odd: str) -> None:
    from hoctap.hub.pages import refusal

    judge = ["custom:hoctap:leaderboard", "custom:hoctap:results"]
    path = f"/services/hoctap-pages/voila/render/{odd}"
    assert refusal(path, judge, "giamkhao") == "Không có trang này."


def test_processes_starting_together_keep_one_token(home: Path) -> None:
    """Two contest workers on a new data folder must sign cookies with the same key."""
    from concurrent.futures import ThreadPoolExecutor

    from hoctap.hub.serve import kept_token

    settings = Settings.from_env({"HOCTAP_HOME": str(home)})
    home.mkdir(parents=True)
    with ThreadPoolExecutor(8) as pool:
        tokens = set(pool.map(lambda _: kept_token(settings, "web-cookie-secret"), range(32)))
    assert len(tokens) == 1
    assert oct((home / "web-cookie-secret").stat().st_mode)[-3:] == "600"
