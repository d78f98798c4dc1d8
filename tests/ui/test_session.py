"""What the identity provider sends is shown as text, never as Markdown."""

from __future__ import annotations

from ui.session import _plain


def test_an_e_mail_cannot_become_a_link_or_emphasis() -> None:
    """A crafted e-mail or name shows its characters, not a link, bold text or HTML."""
    assert _plain("[klik](https://evil)") == r"\[klik\]\(https://evil\)"
    assert _plain("**a**_b_") == r"\*\*a\*\*\_b\_"
    assert _plain("<img src=x>") == r"\<img src=x\>"
    assert _plain("an.peeters@konekti.be") == r"an\.peeters@konekti\.be"
