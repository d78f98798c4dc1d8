import streamlit as st

st.title("In opbouw")
