"""Two named users for tests: `token alice-token` is alice, `token bob-token` is bob; the server's
own token still works (as the anonymous owner)."""

from __future__ import annotations

from jupyter_server.auth.identity import IdentityProvider, User

TOKENS = {"alice-token": "alice", "bob-token": "bob"}


class TwoUsers(IdentityProvider):
    async def get_user_token(self, handler):  # noqa: ANN001, ANN201 (jupyter_server's signature)
        given = self.get_token(handler)
        if given in TOKENS:
            return User(username=TOKENS[given], name=TOKENS[given])
        return await super().get_user_token(handler)


def as_user(name: str) -> dict[str, str]:
    token = next(t for t, u in TOKENS.items() if u == name)
    return {"Authorization": f"token {token}"}
