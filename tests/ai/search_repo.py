"""A repository for semantic search: each module does one recognisable thing, and no name or
docstring repeats the words of the questions the tests ask."""

from __future__ import annotations

from pathlib import Path

from tests.repo_builder import RepoBuilder

ANN = ("Ann Author", "ann@example.com")
BOB = ("Bob Builder", "bob@example.com")

FILES = {
    "shop/accounts.py": '''"""User accounts."""

import hashlib
import hmac


def authenticate(username, secret, users):
    """Return the user when the password matches the stored salted hash, else None."""
    user = users.get(username)
    if user is None:
        return None
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), user.salt, 100_000)
    if not hmac.compare_digest(digest, user.password_hash):
        return None
    return user


def rename_account(user, new_name):
    user.display_name = new_name.strip()
    return user
''',
    "shop/billing.py": '''"""Invoices."""


class Invoice:
    """Lines bought by a customer."""

    def __init__(self, lines):
        self.lines = lines

    def grand_total(self, vat_rate=0.2):
        net = sum(line.price * line.quantity for line in self.lines)
        return round(net * (1 + vat_rate), 2)
''',
    "shop/mailer.py": '''"""Outgoing mail."""

import smtplib
from email.message import EmailMessage


def send_welcome(address, name, host="localhost"):
    msg = EmailMessage()
    msg["To"] = address
    msg["Subject"] = f"Welcome, {name}!"
    msg.set_content("Thanks for signing up.")
    with smtplib.SMTP(host) as smtp:
        smtp.send_message(msg)
''',
    "shop/net.py": '''"""HTTP helpers."""

import time
import urllib.request


def fetch(url, attempts=5, pause=0.5):
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read()
        except OSError:
            time.sleep(pause * 2**attempt)
    raise ConnectionError(url)
''',
    "shop/charts.py": '''"""Plots for the dashboard."""


def bar_chart(ax, labels, values, colour="steelblue"):
    ax.bar(labels, values, color=colour)
    ax.set_ylabel("sales")
    return ax
''',
    "shop/settings.py": '''"""Configuration."""

import tomllib


def read_settings(path):
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return {k.lower(): v for k, v in data.items()}
''',
    "web/static/cart.js": """// Shopping cart in the browser.

// Remove one item from the basket and redraw it.
function dropItem(basket, sku) {
  const kept = basket.items.filter((item) => item.sku !== sku);
  basket.items = kept;
  redraw(basket);
  return kept.length;
}
""",
    "README.md": "# Shop\n",
}

# (question, path, qualified name) the tests expect on top
QUESTIONS = [
    ("where do we check login credentials?", "shop/accounts.py", "authenticate"),
    ("compute the price of an order including tax", "shop/billing.py", "Invoice.grand_total"),
    ("send an email to a new customer", "shop/mailer.py", "send_welcome"),
    ("retry a failed download", "shop/net.py", "fetch"),
    ("delete a product from the shopping basket", "web/static/cart.js", "dropItem"),
]
COMMIT_QUESTION = ("when did we change how passwords are hashed?", "Store passwords with PBKDF2")


def build_shop(path: Path) -> RepoBuilder:
    b = RepoBuilder(path)
    for i, (name, text) in enumerate(FILES.items()):
        b.write(name, text)
        if i == 2:
            b.commit("Initial shop", ANN, "2024-02-01T10:00:00+00:00")
    b.commit("Add mail, network, charts, settings and the cart", BOB, "2024-02-02T10:00:00+00:00")
    accounts = FILES["shop/accounts.py"]
    b.write("shop/accounts.py", accounts.replace("100_000", "200_000"))
    b.commit(
        "Store passwords with PBKDF2\n\nMD5 digests were too weak; salted PBKDF2 from now on.",
        ANN,
        "2024-02-03T10:00:00+00:00",
    )
    b.write("shop/charts.py", FILES["shop/charts.py"].replace("steelblue", "teal"))
    b.commit("Chart colours follow the theme", BOB, "2024-02-04T10:00:00+00:00")
    return b
