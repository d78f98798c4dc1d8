"""Views: what one indicator shows for a selection, as ordered sections of tables, charts and
key figures declared cell by cell; published for a reader by reports.publish."""
