"""Voilà's pages as a JupyterHub service: log-in through the hub, and roles deciding the pages.

Voilà runs beside the hub (``hoctap hub`` supervises both), registered as the external service
``hoctap-pages`` and reached through the hub's proxy under /services/hoctap-pages/. Its identity
provider is JupyterHub's own OAuth client for Jupyter servers, with one more check: each page
asks for a custom scope, which the hub grants through roles given to groups (trainees,
trainers, judges). Someone logged in without the page's scope gets a 403 that says why.

A page's kernel knows who is logged in: the identity provider puts the hub name in a request
header that Voilà passes to the kernel (``VoilaConfiguration.http_header_envs``), after
discarding any header of that name the browser sent. Contests are not taken here: they are the
contest service's pages (``hoctap.web``, the hub's service ``hoctap-thi``), with no kernel per
taker.
"""

from __future__ import annotations

import json

from hoctap.hub.accounts import JUDGE, TRAINEE, TRAINER

SERVICE = "hoctap-pages"
PREFIX = f"/services/{SERVICE}/"
CLIENT_ID = f"service-{SERVICE}"
USER_HEADER = "X-Hoctap-Hub-User"
USER_ENV = "HTTP_" + USER_HEADER.upper().replace("-", "_")
"""Where a page's kernel finds the logged-in hub user (set only behind the hub)."""

CONTEST_SERVICE = "hoctap-thi"
"""The contest service (``hoctap web --hub``) under /services/hoctap-thi/."""
CONTEST_PREFIX = f"/services/{CONTEST_SERVICE}/"
SCOPES = {
    "custom:hoctap:progress": "Xem tiến độ học tập theo đơn vị (giảng viên)",
    "custom:hoctap:results": "Xem kết quả đầy đủ của cuộc thi",
    "custom:hoctap:leaderboard": "Xem bảng xếp loại Đơn vị học tập (giám khảo)",
}
PAGE_SCOPES = {
    "overview.ipynb": None,  # counts only: anyone logged in
    "progress.ipynb": "custom:hoctap:progress",
    "results.ipynb": "custom:hoctap:results",
    "leaderboard.ipynb": "custom:hoctap:leaderboard",
}
ROLE_SCOPES = {
    TRAINEE: [],
    TRAINER: ["custom:hoctap:progress", "custom:hoctap:results"],
    JUDGE: ["custom:hoctap:leaderboard", "custom:hoctap:results"],
}
PAGE_TITLES = {
    "overview.ipynb": "Tổng quan",
    "progress.ipynb": "Tiến độ học tập",
    "results.ipynb": "Kết quả cuộc thi",
    "leaderboard.ipynb": "Xếp loại Đơn vị học tập",
}


def pages_for(role: str) -> list[str]:
    """The pages an account of this role may open, in menu order."""
    granted = set(ROLE_SCOPES.get(role, []))
    return [page for page, scope in PAGE_SCOPES.items() if scope is None or scope in granted]


def service_env(name: str, hub_api_url: str, api_token: str) -> dict[str, str]:
    """What JupyterHub's OAuth client reads from the environment, for the external service
    ``name`` (reached through the proxy under /services/<name>/)."""
    prefix = f"/services/{name}/"
    access = [f"access:services!service={name}"]
    return {
        "JUPYTERHUB_SERVICE_NAME": name,
        "JUPYTERHUB_USER": name,
        "JUPYTERHUB_API_TOKEN": api_token,
        "JUPYTERHUB_API_URL": hub_api_url,
        "JUPYTERHUB_BASE_URL": "/",
        "JUPYTERHUB_SERVICE_PREFIX": prefix,
        "JUPYTERHUB_CLIENT_ID": f"service-{name}",
        "JUPYTERHUB_OAUTH_CALLBACK_URL": f"{prefix}oauth_callback",
        "JUPYTERHUB_OAUTH_ACCESS_SCOPES": json.dumps(access),
        "JUPYTERHUB_OAUTH_SCOPES": json.dumps(access),
        "JUPYTERHUB_HOST": "",
    }


def refusal(path: str, scopes: list[str], username: str) -> str | None:
    """Why the page a request's path renders may not be opened with these scopes, or None.

    Default deny: anything after /voila/render/ that is not exactly one of the pages (a
    sub-folder, a double slash, an encoded name) is refused.
    """
    marker = "/voila/render/"
    if marker not in path:
        return None
    page = path.split(marker, 1)[1]
    if page not in PAGE_SCOPES:
        return "Không có trang này."
    needed = PAGE_SCOPES[page]
    if needed is not None and needed not in scopes:
        return (
            f"Tài khoản {username} không được mở trang “{PAGE_TITLES[page]}”. Nếu cần, hãy nhờ "
            "ban tổ chức cấp quyền, rồi đăng nhập lại."
        )
    return None
