"""Streamlit building blocks shared by the pages: cached store access, filters, components."""
