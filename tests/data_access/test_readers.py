"""The columnar CSV read gives exactly the line-by-line read, or steps aside for it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from data_access.ingest import files as readers
from data_access.ingest.files import RawTable, read_table
from data_access.ingest.profiles import get_profile

HEADER = "registration_id,family_id,received_date,partners"

# Each text is a file of the uniform layout (4 columns) that the two reads must agree on.
TEXTS = {
    "plain": f"{HEADER}\nR1,F1,2022-01-31,CLB:CLB Kortrijk\nR2,F2,2022-02-01,\n",
    "quoted empty fields": f'{HEADER}\nR1,F1,2022-01-31,""\n"","","",x\nR3,"",2022-02-03,""\n',
    "quoted delimiter and quote": f'{HEADER}\nR1,F1,2022-01-31,"CLB:A, B ""C"""\n',
    "crlf and no final newline": f"{HEADER}\r\nR1,F1,2022-01-31,x\r\nR2,F2,2022-02-01,y",
    "padded header": " registration_id , family_id,received_date,partners\nR1,F1,2022-01-31,x\n",
    "blank and whitespace lines": f"{HEADER}\nR1,F1,2022-01-31,x\n\n , ,,\nR2,F2,2022-02-01,y\n",
    "only quoted empties": f'{HEADER}\nR1,F1,2022-01-31,x\n"","","",""\n',
    "unit separator only": f"{HEADER}\nR1,F1,2022-01-31,x\n\x1f,\x1f,,\n",
    "too few and too many": f"{HEADER}\nR1,F1,2022-01-31\nR2,F2,2022-02-01,y,z\nR3,F3,2022-02-02,w\n",
    "newline in a quoted field": f'{HEADER}\nR1,F1,2022-01-31,"CLB\nCAW"\nR2,F2,2022-02-01,y\n',
    "quote inside a field": f'{HEADER}\nR1,F"1,2022-01-31,x\nR2,"F2"x,2022-02-01,y\n',
    "unclosed quote": f'{HEADER}\nR1,F1,2022-01-31,"x\nR2,F2,2022-02-01,y\n',
    "lone carriage return": f"{HEADER}\rR1,F1,2022-01-31,x\rR2,F2,2022-02-01,y\r",
    "header only": f"{HEADER}\n",
    "trailing blank lines": f"{HEADER}\nR1,F1,2022-01-31,x\n\n\n",
    "spaces around quotes": f'{HEADER}\nR1,F1,2022-01-31, "x"\n',
}


def _line_by_line(path: Path, monkeypatch: pytest.MonkeyPatch) -> RawTable:
    with monkeypatch.context() as patch:
        patch.setattr(readers, "_read_plain_csv", lambda *_args, **_kw: None)
        return read_table(path, get_profile("uniform"))


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_the_columnar_read_equals_the_line_by_line_read(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows, their line numbers and the broken lines are the same whichever read ran."""
    path = tmp_path / "bestand.csv"
    path.write_bytes(TEXTS[name].encode())
    fast = read_table(path, get_profile("uniform"))
    slow = _line_by_line(path, monkeypatch)
    assert_frame_equal(fast.frame, slow.frame)
    assert fast.broken == slow.broken


@pytest.mark.parametrize(
    ("name", "columnar"),
    [
        ("plain", True),
        ("quoted empty fields", True),
        ("quoted delimiter and quote", True),
        ("crlf and no final newline", True),
        ("blank and whitespace lines", False),
        ("too few and too many", False),
        ("newline in a quoted field", False),
        ("quote inside a field", False),
    ],
)
def test_the_columnar_read_takes_the_usual_files_only(name: str, columnar: bool) -> None:
    """Usual files are read by polars; blank, broken or multi-line records go line by line."""
    result = readers._read_plain_csv(TEXTS[name], ",", "bestand.csv")
    assert (result is not None) == columnar


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_sheet_is_read_from_the_archive_as_zipfile_reads_it(
    tmp_path: Path, compression: int
) -> None:
    """The one-call inflate gives zipfile's bytes, for deflated and for stored members."""
    path = tmp_path / "book.xlsx"
    sheet = ('<c r="A1"><v>1</v></c>' * 50_000 + "é").encode()
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        archive.writestr("xl/first.xml", b"<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    with zipfile.ZipFile(path) as archive:
        assert readers._member_bytes(archive, path, "xl/worksheets/sheet1.xml") == sheet


def test_a_damaged_sheet_fails_as_zipfile_fails(tmp_path: Path) -> None:
    """A member whose bytes do not match their checksum raises zipfile's own error."""
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<sheetData/>" * 1000)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data[info.header_offset + 14] ^= 0xFF  # the CRC in the local header
    crc_at = data.rfind(b"PK\x01\x02") + 16  # and in the central directory
    data[crc_at] ^= 0xFF
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive, pytest.raises(zipfile.BadZipFile):
        readers._member_bytes(archive, path, "xl/worksheets/sheet1.xml")
