"""The Kwartaalrapport page: the region's report as PDF and XLSX, refused outside the scope."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.pages.conftest import PageOpener, shown_tables


def test_a_stuurgroep_downloads_its_report(open_page: PageOpener) -> None:
    """The stuurgroep of Konekti gets its own report, labelled provisional, as a real PDF."""
    at = open_page("report", demo_user="stuurgroep.kon@demo.1g1p")
    assert not at.exception
    assert next(s for s in at.selectbox if s.label == "Regio").options == ["Konekti"]
    assert any("Voorlopig" in w.value for w in at.warning) or at.success
    pdf = next(b for b in at.get("download_button") if b.proto.label == "PDF downloaden")
    assert pdf is not None
    assert shown_tables(at), "the key figures are shown on the page"


def test_the_trekkersgroep_has_no_single_region_report(open_page: PageOpener) -> None:
    """Without a region in detail there is no report to make."""
    at = open_page("report", demo_user="trekker@demo.1g1p")
    assert not at.exception
    assert any("geen inzage" in i.value for i in at.info)


def test_the_stable_link_opens_a_region_and_quarter(open_page: PageOpener) -> None:
    """?regio=GNT&kwartaal=2024Q2 selects that report (beheerder sees every region)."""
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import PAGE_FILES

    at = AppTest.from_file(str(PAGE_FILES["report"]), default_timeout=120)
    at.query_params["regio"] = "GNT"
    at.query_params["kwartaal"] = "2024Q2"
    at.run()
    assert not at.exception
    assert any("Samen1Plan" in h.value and "2024 K2" in h.value for h in at.subheader)


def test_the_pdf_reads_back(open_page: PageOpener) -> None:
    """The PDF the page offers opens and names the region and quarter."""
    from data_access.access.roles import reader_for
    from data_access.settings import get_settings
    from data_access.store.engine import make_engine
    from reports.service import Service

    open_page("report")
    engine = make_engine(get_settings())
    reader = reader_for(engine, "stuurgroep.kon@demo.1g1p")
    assert reader is not None
    service = Service(engine, get_settings())
    made = service.report_file(reader, "KON", "2024Q2", "pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(made)).pages)
    assert "Konekti" in text and "2024 K2" in text
