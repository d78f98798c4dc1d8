"""The floor: a bare Streamlit app with one radio, one line chart of 17 regions and a small table.

benchmarks/browser.py measures it exactly as it measures the monitor, in the same run, so the
monitor's targets are ratios to what Streamlit, plotly and Chromium cost on this machine by
themselves. Two identical pages make a page change measurable too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

REGIONS = [f"Regio {i:02d}" for i in range(1, 18)]
MONTHS = pd.date_range("2023-12-01", periods=36, freq="MS")


def floor_page() -> None:
    """The page: a radio, a chart of 17 lines, a table of 17 rows."""
    st.title("Vloer")
    per = st.radio("Periode per", ["Maand", "Kwartaal"], horizontal=True, key="per")
    rng = np.random.default_rng(17)
    counts = pd.DataFrame(
        rng.poisson(60, size=(len(MONTHS), len(REGIONS))), index=MONTHS, columns=REGIONS
    )
    if per == "Kwartaal":
        counts = counts.resample("QS").sum()
    lines = [go.Scatter(x=counts.index, y=counts[r], mode="lines", name=r) for r in REGIONS]
    figure = go.Figure(lines)
    figure.update_layout(height=420, margin={"t": 30, "b": 30}, legend={"orientation": "h"})
    st.plotly_chart(figure, key="lijnen")
    table = pd.DataFrame(
        {"Regio": REGIONS, "Totaal": counts.sum().to_numpy(), "Laatste": counts.iloc[-1].to_numpy()}
    )
    st.dataframe(table, hide_index=True)


def first() -> None:
    floor_page()


def second() -> None:
    floor_page()


st.set_page_config(page_title="Vloer", layout="wide")
st.navigation(
    [
        st.Page(first, title="Eerste", url_path="eerste", default=True),
        st.Page(second, title="Tweede", url_path="tweede"),
    ],
    expanded=True,
).run()
