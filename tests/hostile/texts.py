"""Hostile texts the UI must keep as text: an SQL fragment and HTML with a script."""

SQL = "x'); DROP TABLE registration; --"
HTML = '<script>alert(1)</script><img src=x onerror="alert(2)">'
