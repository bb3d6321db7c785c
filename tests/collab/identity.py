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
