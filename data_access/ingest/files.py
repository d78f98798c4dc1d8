"""Read a source file into an all-text frame with line numbers, or fail with file, line, column."""

from __future__ import annotations

import codecs
import csv
import io
import re
import struct
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import polars as pl

from data_access.ingest.profiles import Profile

LINE = "_line"
# Excel's own limit; a larger "row" is a broken or hostile file, not data.
MAX_FIELD = 32_767


class FatalImportError(ValueError):
    """The file cannot be imported at all; the Dutch message names file, line and column."""


@dataclass(frozen=True)
class RawTable:
    """The file's rows as text, `_line` the line in the file, plus rows that could not be split."""

    frame: pl.DataFrame
    broken: list[tuple[int, str, dict[str, str]]]  # line, reason, raw values
    formula_cells: dict[int, list[str]]  # line → headers of cells holding a formula


def read_table(path: Path, profile: Profile, display_name: str | None = None) -> RawTable:
    """Read `path` as the profile says; raises FatalImportError for unreadable files."""
    name = display_name or path.name
    if not path.exists() or path.stat().st_size == 0:
        raise FatalImportError(f"{name}: het bestand is leeg.")
    if profile.file_format(path) == "xlsx":
        return _read_xlsx(path, profile, name)
    return _read_csv(path, profile, name)


def _decode(path: Path, encoding: str, name: str) -> str:
    data = path.read_bytes()
    if encoding.lower().replace("-", "") in {"utf8", "utf8sig"}:
        encoding = "utf-8-sig"
    if data[:4] == b"PK\x03\x04":
        raise FatalImportError(
            f"{name}: dit is een Excel- of zip-bestand, geen CSV. Kies de juiste bron of "
            "exporteer als CSV."
        )
    try:
        return codecs.decode(data, encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise FatalImportError(
            f"{name}, regel {line}, kolom {column}: ongeldige tekens voor codering {encoding} "
            f"(byte 0x{data[exc.start]:02x}). Sla het bestand op als {encoding} of kies de "
            "juiste bron."
        ) from exc


def _read_csv(path: Path, profile: Profile, name: str) -> RawTable:
    text = _decode(path, str(profile.reader.get("encoding", "utf-8")), name)
    if "\x00" in text:
        raise FatalImportError(f"{name}: het bestand bevat binaire gegevens, geen tekst.")
    delimiter = str(profile.reader.get("delimiter", ","))
    fast = _read_plain_csv(text, delimiter, name)
    if fast is not None:
        return fast
    csv.field_size_limit(MAX_FIELD * 4)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise FatalImportError(f"{name}: het bestand is leeg.") from None
    except csv.Error as exc:
        raise FatalImportError(f"{name}, regel 1: kopregel onleesbaar ({exc}).") from exc
    header = [h.strip() for h in header]
    rows: list[list[str]] = []
    lines: list[int] = []
    broken: list[tuple[int, str, dict[str, str]]] = []
    start = 2
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            broken.append((start, f"regel kan niet gesplitst worden ({exc})", {}))
            start = reader.line_num + 1
            continue
        if not any(cell.strip() for cell in row):
            start = reader.line_num + 1
            continue
        if len(row) != len(header):
            raw = {f"veld {i + 1}": v[:200] for i, v in enumerate(row[:50])}
            broken.append(
                (
                    start,
                    f"{len(row)} velden in plaats van {len(header)} (scheidingsteken "
                    f"'{delimiter}')",
                    raw,
                )
            )
        else:
            rows.append(row)
            lines.append(start)
        start = reader.line_num + 1
    frame = pl.DataFrame(
        {h: [r[i] for r in rows] for i, h in enumerate(_unique(header, name))},
        schema=dict.fromkeys(_unique(header, name), pl.String),
    ).with_columns(pl.Series(LINE, lines, dtype=pl.Int64))
    return RawTable(frame, broken, {})


def _read_plain_csv(text: str, delimiter: str, name: str) -> RawTable | None:
    """The same table as the csv module's, parsed by polars, for the usual file: one record per
    line, no blank or broken line, quotes only around whole fields. None otherwise, and the
    caller reads line by line (which names each broken line)."""
    if len(delimiter) != 1 or not delimiter.isascii() or delimiter in '"\r\n':
        return None
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    if len(lines) < 2 or '"' in lines[0] or not lines[0].strip():
        return None
    header = _unique([h.strip() for h in lines[0].split(delimiter)], name)
    body = lines[1:]
    # Quoted empty fields ("") are common and read as empty: the rest of the line is plain.
    reduced = [_without_empty_quotes(line, delimiter) if '"' in line else line for line in body]
    quoted = [i for i, line in enumerate(reduced) if '"' in line]
    plain = pl.Series(reduced, dtype=pl.String)
    if quoted:
        plain = plain.filter(~pl.Series(range(len(reduced))).is_in(quoted))
    d = re.escape(delimiter)
    if (plain.str.len_chars() > MAX_FIELD * 4).any() or not (
        (plain.str.count_matches(delimiter, literal=True) == len(header) - 1).all()
        # Not blank: Python's str.strip() also strips \x1c-\x1f, no whitespace to polars.
        and plain.str.contains(rf"[^\s\x1c-\x1f{d}]").all()
    ):
        return None
    field = rf'(?:"(?:[^"]|"")*"|[^"{d}]*)'
    well_formed = re.compile(rf"{field}(?:{d}{field})*")
    quoted_lines = [body[i] for i in quoted]
    if not all(len(line) <= MAX_FIELD * 4 and well_formed.fullmatch(line) for line in quoted_lines):
        return None
    records = list(csv.reader(quoted_lines, delimiter=delimiter))
    if len(records) != len(quoted_lines) or any(
        len(r) != len(header) or not any(c.strip() for c in r) for r in records
    ):
        return None
    try:
        frame = pl.read_csv(
            "\n".join(body).encode(),
            has_header=False,
            new_columns=header,
            schema=dict.fromkeys(header, pl.String),
            separator=delimiter,
            quote_char='"',
        )
    except pl.exceptions.PolarsError:
        return None
    if frame.height != len(body):
        return None
    frame = frame.with_columns(pl.all().fill_null("")).with_columns(
        pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(LINE)
    )
    # Lines with other quoting must read exactly as the csv module reads them.
    if quoted and records != [list(frame.row(i)[:-1]) for i in quoted]:
        return None
    return RawTable(frame, [], {})


def _without_empty_quotes(line: str, delimiter: str) -> str:
    """The line with every whole field "" made empty (the csv module reads both as '')."""
    empty = f'{delimiter}""{delimiter}'
    padded = f"{delimiter}{line}{delimiter}"
    while empty in padded:  # adjacent "" fields share a delimiter: repeat
        padded = padded.replace(empty, delimiter * 2)
    return padded[1:-1]


def _unique(header: list[str], name: str) -> list[str]:
    seen: set[str] = set()
    for i, column in enumerate(header):
        if column in seen:
            raise FatalImportError(
                f"{name}, regel 1, kolom {i + 1}: kolomnaam '{column}' komt twee keer voor."
            )
        seen.add(column)
    return header


def _read_xlsx(path: Path, profile: Profile, name: str) -> RawTable:
    import fastexcel

    sheet = profile.reader.get("sheet")
    try:
        workbook = fastexcel.read_excel(str(path))
        sheet_name = sheet if sheet is not None else workbook.sheet_names[0]
        if sheet_name not in workbook.sheet_names:
            raise FatalImportError(
                f"{name}: werkblad '{sheet_name}' ontbreekt (gevonden: "
                f"{', '.join(workbook.sheet_names)})."
            )
        # fastexcel releases the GIL while it parses the sheet: look for formulas meanwhile
        # (inflating the sheet's XML a second time costs about a quarter of the parse).
        with ThreadPoolExecutor(max_workers=1) as pool:
            formulas = pool.submit(_formula_xml, path, str(sheet_name))
            frame = workbook.load_sheet(sheet_name, dtypes="string").to_polars()
    except FatalImportError:
        raise
    except Exception as exc:  # fastexcel raises its own untyped errors for broken files
        raise FatalImportError(f"{name}: geen leesbaar Excel-bestand ({exc}).") from exc
    frame = frame.rename({c: c.strip() for c in frame.columns})
    frame = frame.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))
    text_columns = [c for c in frame.columns if c != LINE]
    frame = frame.filter(~pl.all_horizontal(pl.col(text_columns).is_null()))
    return RawTable(frame, [], _formula_lines(formulas.result(), text_columns))


_CELL = re.compile(r"([A-Z]+)(\d+)")
# Searched in the sheet's bytes: an ASCII pattern is found in UTF-8 bytes exactly when it is
# found in their text.
_FORMULA_BYTES = re.compile(rb"<f[ >/]")
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _formula_xml(path: Path, sheet_name: str) -> str | None:
    """The sheet's XML when it holds a formula (a cell's cached value is then not trustworthy
    data), else None: most registers hold none."""
    with zipfile.ZipFile(path) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        target = next(
            (
                targets.get(s.get(_REL))
                for s in workbook.iterfind("m:sheets/m:sheet", _NS)
                if s.get("name") == sheet_name
            ),
            None,
        )
        if not target:
            return None
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        data = _member_bytes(archive, path, member)
    if _FORMULA_BYTES.search(data) is None:
        return None
    return data.decode("utf-8", errors="replace")


def _formula_lines(xml: str | None, headers: list[str]) -> dict[int, list[str]]:
    """The headers of the formula cells in a sheet's XML, by line."""
    found: dict[int, list[str]] = {}
    if xml is None:
        return found
    # A regex scan is enough: a formula is an <f> element inside a <c r="B7"> cell.
    for match in re.finditer(r'<c r="([A-Z]+\d+)"[^>]*>(?:(?!</c>).)*?<f[ >/]', xml, re.S):
        cell = _CELL.fullmatch(match.group(1))
        if cell is None:
            continue
        column = _column_index(cell.group(1))
        line = int(cell.group(2))
        header = headers[column] if column < len(headers) else f"kolom {column + 1}"
        found.setdefault(line, []).append(header)
    return found


def _member_bytes(archive: zipfile.ZipFile, path: Path, member: str) -> bytes:
    """A member's bytes, as `archive.read` gives them: a deflated member is inflated in one call
    and checked against its CRC (zipfile inflates and checksums in small steps, which costs
    more than the inflating itself on a sheet of megabytes). Anything unusual is left to
    zipfile, with its own errors."""
    info = archive.getinfo(member)
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:  # 0x1: encrypted
        return archive.read(member)
    with path.open("rb") as handle:
        handle.seek(info.header_offset)
        header = handle.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            return archive.read(member)
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        handle.seek(info.header_offset + 30 + name_length + extra_length)
        compressed = handle.read(info.compress_size)
    try:
        data = zlib.decompress(compressed, -zlib.MAX_WBITS, max(info.file_size, 1))
    except zlib.error:
        return archive.read(member)
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        return archive.read(member)
    return data


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - ord("A") + 1)
    return index - 1
