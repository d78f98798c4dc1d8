"""A figure page drawn from the indicator registry (app.py says which indicator)."""

from ui import page

page.indicator()
