"""What the pages share: the sidebar filters, the reader of the session, the store's service, and
the one renderer (render.py) that draws what the publishing boundary produced."""
