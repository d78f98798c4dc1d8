"""A tiny app with a fragment, for the protocol test: a widget inside reruns only the fragment."""

import streamlit as st

st.radio("Buiten", ["x", "y"], key="buiten")


@st.fragment
def part() -> None:
    choice = st.radio("Binnen", ["a", "b"], key="binnen")
    st.markdown(f"gekozen: {choice}")


part()
