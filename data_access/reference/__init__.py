"""Reference data: code lists, regions and their areas over time, population, shapes."""
