"""The hub's groups, roles and services, as JupyterHub's configuration receives them."""

from __future__ import annotations

from pathlib import Path

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
    groups = c.JupyterHub.load_groups
    assert groups["nbgrader-hoctap"]["users"] == ["hv001"]
    assert groups["formgrade-hoctap"]["users"] == ["giangvien"]
    assert groups["hoctap-giamkhao"]["users"] == ["giamkhao"]
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    course_access = "access:services!service=hoctap"
    assert course_access in roles["hoctap-trainer"]["scopes"]
    assert not any(course_access in r["scopes"] for n, r in roles.items() if n != "hoctap-trainer")
    # A trainee's server may read its owner's groups (nbgrader's JupyterHubAuthPlugin).
    assert "read:users:groups!user" in roles["server"]["scopes"]
    services = {s["name"]: s for s in c.JupyterHub.services}
    assert services["hoctap-pages"]["url"] == "http://127.0.0.1:8003"
    assert services["hoctap"]["url"] == "http://127.0.0.1:8004"
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
    assert pages_for("trainee") == ["overview.ipynb", "quiz.ipynb"]
