"""Voilà's identity provider behind the hub: JupyterHub's OAuth, then each page's scope.

Used by the pages service (``--Voila.identity_provider_class``); see ``hoctap.hub.pages``.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join
from jupyterhub.singleuser.extension import JupyterHubIdentityProvider
from tornado.web import HTTPError

from hoctap.hub.pages import PREFIX, USER_HEADER, refusal


class PagesIdentityProvider(JupyterHubIdentityProvider):  # type: ignore[misc]
    """JupyterHub's OAuth identity for Jupyter servers, plus each page's scope."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("token", None)  # Voilà passes its own token; the hub's log-in replaces it
        kwargs.pop("login_handler_class", None)
        super().__init__(**kwargs)

    async def get_user(self, handler: Any) -> Any:
        if hasattr(handler, "_hoctap_user"):  # asked once per request
            return handler._hoctap_user
        handler._hoctap_user = None
        headers = handler.request.headers
        if USER_HEADER in headers:
            del headers[USER_HEADER]  # only we say who the user is
        user = await super().get_user(handler)
        if user is None:
            return None
        why = refusal(handler.request.path, user.hub_user.get("scopes", []), user.username)
        if why is not None:
            return self._refuse(handler, why)
        headers[USER_HEADER] = user.username
        handler._hoctap_user = user
        return user

    def get_handlers(self) -> list[Any]:
        # Voilà adds an identity provider's handlers as they are; behind the hub they live
        # under the service's prefix (where the hub sends the OAuth callback).
        return [(url_path_join(PREFIX, path), *rest) for path, *rest in super().get_handlers()]

    @staticmethod
    def _refuse(handler: Any, message: str) -> None:
        # As JupyterHub does for a user without access: tornado's @authenticated would send
        # a logged-in user back to the log-in page; a 403 with the reason is what they need.
        def refuse(*_args: Any, **_kwargs: Any) -> None:
            raise HTTPError(403, reason="Forbidden", log_message=message)

        handler.redirect = refuse
        return None
