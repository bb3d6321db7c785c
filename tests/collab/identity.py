"""Two people on one server (as JupyterHub sharing makes it): tokens mapped to alice and bob."""

from __future__ import annotations

from jupyter_server.auth.identity import IdentityProvider, User

ALICE = User("alice", name="Alice", display_name="Alice Liddell", initials="AL", color="#e91e63")
BOB = User("bob", name="Bob", display_name="Bob Builder", initials="BB", color="#2196f3")
TOKENS = {"alice-token": ALICE, "bob-token": BOB}


class TwoUsersIdentityProvider(IdentityProvider):
    """`alice-token` and the server's own token are alice; `bob-token` is bob; else nobody."""

    def get_user(self, handler):  # noqa: ANN001, ANN201 (jupyter_server's signature)
        token = self.get_token(handler)
        if not token:
            return None
        if token in TOKENS:
            return TOKENS[token]
        return ALICE if token == self.token else None


class TwoLabUsersIdentityProvider(IdentityProvider):
    """For browsers: `?token=alice-token` / `?token=bob-token` log in as alice / bob, and the
    login cookie (set by jupyter_server's own flow) keeps them so for every later request, the
    `/api/me` of JupyterLab (hence the collaboration awareness) included.

    JupyterLab sends the server's own token (its page config) with every request; under
    JupyterHub that token is empty and the browser is known by its cookie. So here too: with a
    login cookie the server's token names nobody and the cookie's user wins. Without a cookie
    (the test's own REST calls) the server's token is alice, the owner."""

    def get_user_token(self, handler):  # noqa: ANN001, ANN201 (jupyter_server's signature)
        token = self.get_token(handler)
        if token in TOKENS:
            return TOKENS[token]
        if not token or token != self.token:
            return None
        return None if self.get_user_cookie(handler) is not None else ALICE
