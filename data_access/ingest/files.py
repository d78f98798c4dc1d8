"""Read a source file into an all-text frame with line numbers, or fail with file, line, column."""

from __future__ import annotations

import codecs
import csv
import dataclasses
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
# How far down a file the header is looked for (header_row = "auto", and the hint that a
# file has title lines above its header).
HEADER_SEARCH = 50
# How much of the text those first lines are looked for in (a header of a few thousand columns
# fits; a file of one endless line is not split whole).
HEAD_CHARS = 256 * 1024
# More columns than any export has: such a header line is a broken file, refused before a table
# of millions of columns is built.
MAX_COLUMNS = 5_000
# What a profile's delimiter = "auto" and encoding = "auto" choose from: what Belgian Excel
# and the usual exports write.
DELIMITERS = (",", ";")
ENCODINGS = ("utf-8-sig", "cp1252")

Source = Path | bytes


class FatalImportError(ValueError):
    """The file cannot be imported at all; the Dutch message names file, line and column."""


@dataclass(frozen=True)
class RawTable:
    """The file's rows as text, `_line` the line in the file, plus rows that could not be split."""

    frame: pl.DataFrame
    broken: list[tuple[int, str, dict[str, str]]]  # line, reason, values safe to keep
    formula_cells: dict[int, list[str]]  # line → headers of cells holding a formula
    # The lines above the header, each as its non-empty cells joined by a space: only read
    # for [title] values, never stored.
    title: tuple[str, ...] = ()
    header_line: int = 1
    footer_lines: int = 0
    file_format: str = "csv"
    delimiter: str | None = None
    encoding: str | None = None


def source_name(source: Source, display_name: str | None) -> str:
    """The name messages give a file."""
    if display_name:
        return display_name
    return source.name if isinstance(source, Path) else "bestand"


def read_table(source: Source, profile: Profile, display_name: str | None = None) -> RawTable:
    """Read a file (a path, or bytes kept in memory) as the profile says; raises
    FatalImportError for unreadable files."""
    name = source_name(source, display_name)
    if isinstance(source, Path) and (not source.exists() or source.stat().st_size == 0):
        raise FatalImportError(f"{name}: het bestand is leeg.")
    if isinstance(source, bytes) and not source:
        raise FatalImportError(f"{name}: het bestand is leeg.")
    if profile.file_format(source.name if isinstance(source, Path) else name) == "xlsx":
        return _read_xlsx(source, profile, name)
    data = source.read_bytes() if isinstance(source, Path) else source
    return _read_csv(data, profile, name)


def _decode(data: bytes, encoding: str, name: str) -> tuple[str, str]:
    """The text and the encoding that read it; "auto" tries UTF-8 (with or without BOM),
    then cp1252."""
    if data[:4] == b"PK\x03\x04":
        raise FatalImportError(
            f"{name}: dit is een Excel- of zip-bestand, geen CSV. Kies de juiste bron of "
            "exporteer als CSV."
        )
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        # Excel's "Unicode-tekst": UTF-16 with its byte-order mark, whatever the profile's
        # encoding (the mark is unambiguous), and never mistaken for binary.
        try:
            return codecs.decode(data, "utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    candidates: tuple[str, ...] = ENCODINGS
    shown = "UTF-8 of cp1252"
    if encoding != "auto":
        candidates, shown = ("utf-8-sig" if encoding == "utf-8" else encoding,), encoding
    error: UnicodeDecodeError | None = None
    for candidate in candidates:
        try:
            return codecs.decode(data, candidate), candidate
        except UnicodeDecodeError as exc:
            error = exc  # the last one: where even the most lenient encoding fails
    assert error is not None
    line = data.count(b"\n", 0, error.start) + 1
    column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
    raise FatalImportError(
        f"{name}, regel {line}, kolom {column}: ongeldige tekens voor codering {shown} "
        f"(byte 0x{data[error.start]:02x}). Sla het bestand op als {shown} of kies de "
        "juiste bron."
    ) from error


def head_lines(source: Source) -> list[str]:
    """The first lines of a file as text (any encoding), to split as any profile would."""
    if isinstance(source, Path):
        with source.open("rb") as handle:
            data = handle.read(256 * 1024)
    else:
        data = source[: 256 * 1024]
    text = data.decode("latin-1").removeprefix("\xef\xbb\xbf")
    return text.split("\n", HEADER_SEARCH)[:HEADER_SEARCH]


def holds_header(lines: list[str], delimiters: tuple[str, ...], wanted: list[str]) -> bool:
    """Whether one of these lines, split by one of these delimiters, holds every header."""
    return any(
        header_index([_cells(line, d) for line in lines], wanted) is not None for d in delimiters
    )


def _cells(line: str, delimiter: str) -> list[str]:
    """A physical line's cells, roughly (no quoting rules): for finding the header, title
    and footer lines only."""
    return [c.strip().strip('"').strip() for c in line.split(delimiter)]


def header_index(rows: list[list[str]], wanted: list[str]) -> int | None:
    """The index of the first row holding every wanted header. Without wanted headers (a
    sample on the mapping screen), the first row nearly as wide as the widest: title lines
    have one cell, the header has them all, and a broken row may have one more."""
    if wanted:
        need = set(wanted)
        return next((i for i, row in enumerate(rows) if need <= set(row)), None)
    widths = [sum(1 for c in row if c) for row in rows]
    if not widths or max(widths) == 0:
        return None
    enough = max(1, (max(widths) * 4 + 4) // 5)
    return next(i for i, width in enumerate(widths) if width >= enough)


def _title_text(cells: list[str]) -> str:
    return " ".join(c for c in cells if c)


def _footer_start(firsts: list[str], patterns: list[str]) -> int | None:
    """The index of the first row whose first non-empty cell matches a footer pattern."""
    if not patterns or not firsts:
        return None
    combined = "(?i)" + "|".join(f"(?:{p})" for p in patterns)
    hits = pl.Series(firsts, dtype=pl.String).str.contains(combined).fill_null(False)
    found = hits.arg_true()
    return int(found[0]) if found.len() else None


def _read_csv(data: bytes, profile: Profile, name: str) -> RawTable:
    text, encoding = _decode(data, profile.reader.encoding, name)
    if "\x00" in text:
        raise FatalImportError(f"{name}: het bestand bevat binaire gegevens, geen tekst.")
    wanted = profile.required_headers()
    delimiter, header_at = _layout(text, profile, wanted)
    header_line = _head(text, header_at + 1)[header_at : header_at + 1]
    columns = (header_line[0].count(delimiter) + 1) if header_line else 0
    if columns > MAX_COLUMNS:
        most = f"{MAX_COLUMNS:,}".replace(",", ".")
        raise FatalImportError(
            f"{name}, regel {header_at + 1}: meer dan {most} kolommen; dat kan geen regel met "
            "kolomkoppen zijn. Controleer het bestand en het scheidingsteken."
        )
    title: tuple[str, ...] = ()
    footer_lines = 0
    if header_at > 0 or profile.reader.footer:
        lines = text.split("\n")
        title = tuple(
            t for t in (_title_text(_cells(line, delimiter)) for line in lines[:header_at]) if t
        )
        body = lines[header_at:]
        firsts = [next((c for c in _cells(line, delimiter) if c), "") for line in body[1:]]
        end = _footer_start(firsts, profile.reader.footer)
        if end is not None:
            footer = body[end + 1 :]
            footer_lines = sum(1 for line in footer if line.strip(" \r\t" + delimiter))
            body = body[: end + 1]
        text = "\n".join(body) + "\n"
    _no_title_above(text, delimiter, wanted, profile, name, header_at)
    first = header_at + 2  # the first data line, counted from 1
    safe = profile.kept_headers()
    table = _read_plain_csv(text, delimiter, name, first_line=first)
    if table is None:
        table = _read_csv_lines(text, delimiter, name, first, safe)
    return dataclasses.replace(
        table,
        title=title,
        header_line=header_at + 1,
        footer_lines=footer_lines,
        delimiter=delimiter,
        encoding=encoding,
    )


def _head(text: str, lines: int) -> list[str]:
    """The first `lines` lines of the text's head (HEAD_CHARS)."""
    return text[:HEAD_CHARS].split("\n", lines)[:lines]


def _layout(text: str, profile: Profile, wanted: list[str]) -> tuple[str, int]:
    """The delimiter and the index of the header line, as the profile says or finds them."""
    setting = profile.reader.header_row
    head = _head(text, HEADER_SEARCH)
    delimiters = DELIMITERS if profile.reader.delimiter == "auto" else (profile.reader.delimiter,)
    if setting != "auto":
        index = setting - 1
        line = head[index] if index < len(head) else ""
        if len(delimiters) == 1:
            return delimiters[0], index
        found = [d for d in delimiters if set(wanted) <= set(_cells(line, d))]
        best = found[0] if found else max(delimiters, key=line.count)
        return best, index
    for delimiter in delimiters:
        at = header_index([_cells(line, delimiter) for line in head], wanted)
        if at is not None and wanted:
            return delimiter, at
    # No line holds every header: the widest line under the delimiter that splits it most.
    best = max(delimiters, key=lambda d: max((line.count(d) for line in head), default=0))
    return best, header_index([_cells(line, best) for line in head], []) or 0


def _no_title_above(
    text: str, delimiter: str, wanted: list[str], profile: Profile, name: str, header_at: int
) -> None:
    """A file whose header sits lower than the profile says is refused for that reason, not
    for its columns or delimiter."""
    first, _, rest = text.partition("\n")
    if not wanted or set(wanted) <= set(_cells(first, delimiter)):
        return
    lines = rest.split("\n", HEADER_SEARCH)[: HEADER_SEARCH - 1]
    for d in dict.fromkeys([delimiter, *DELIMITERS]):
        below = header_index([_cells(line, d) for line in lines], wanted)
        if below is not None:
            line = header_at + below + 2
            raise FatalImportError(
                f"{name}: de kolomkoppen staan op regel {line}, niet op regel {header_at + 1}; "
                f'de regels erboven zijn titelregels. Zet header_row = {line} (of "auto") '
                f"onder [reader] in profiel {profile.path.name}."
            )


def _read_csv_lines(text: str, delimiter: str, name: str, first: int, safe: set[str]) -> RawTable:
    """The csv module's read, line by line, naming each line that does not split."""
    csv.field_size_limit(MAX_FIELD * 4)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    offset = first - 2  # lines above the header
    try:
        header = next(reader)
    except StopIteration:
        raise FatalImportError(f"{name}: het bestand is leeg.") from None
    except csv.Error as exc:
        raise FatalImportError(f"{name}, regel {offset + 1}: kopregel onleesbaar ({exc}).") from exc
    header = _unique([h.strip() for h in header], name, offset + 1)
    rows: list[list[str]] = []
    lines: list[int] = []
    broken: list[tuple[int, str, dict[str, str]]] = []
    start = first
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            broken.append((start, f"regel kan niet gesplitst worden ({exc})", {}))
            start = reader.line_num + offset + 1
            continue
        if not any(cell.strip() for cell in row):
            start = reader.line_num + offset + 1
            continue
        if len(row) != len(header):
            broken.append(
                (
                    start,
                    f"{len(row)} velden in plaats van {len(header)} (scheidingsteken "
                    f"'{delimiter}')",
                    _identifiable(header, row, safe),
                )
            )
        else:
            rows.append(row)
            lines.append(start)
        start = reader.line_num + offset + 1
    frame = pl.DataFrame(
        {h: [r[i] for r in rows] for i, h in enumerate(header)},
        schema=dict.fromkeys(header, pl.String),
    ).with_columns(pl.Series(LINE, lines, dtype=pl.Int64))
    return RawTable(frame, broken, {})


def _identifiable(header: list[str], row: list[str], safe: set[str]) -> dict[str, str]:
    """The values of a row that does not split that still belong to a known column: with a
    field too many (a delimiter inside one field) the first field is (part of) the first
    column and the last of the last; with a field too few, a field may hold two columns' text,
    so nothing is kept. Only columns the profile may keep (never a dropped or personal one)."""
    if not header or len(row) <= len(header):
        return {}
    kept = {}
    for column, value in ((header[0], row[0]), (header[-1], row[-1])):
        if column in safe:
            kept[column] = value[:200]
    return kept


def _read_plain_csv(text: str, delimiter: str, name: str, first_line: int = 2) -> RawTable | None:
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
    header = _unique([h.strip() for h in lines[0].split(delimiter)], name, first_line - 1)
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
        pl.int_range(first_line, frame.height + first_line, dtype=pl.Int64).alias(LINE)
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


def _unique(header: list[str], name: str, line: int = 1) -> list[str]:
    """The header's names; an empty one (trailing delimiters, a title line read as header) is
    named after its place, and a name that repeats is refused."""
    header = [column or f"kolom {i + 1}" for i, column in enumerate(header)]
    seen: set[str] = set()
    for i, column in enumerate(header):
        if column in seen:
            raise FatalImportError(
                f"{name}, regel {line}, kolom {i + 1}: kolomnaam '{column}' komt twee keer voor."
            )
        seen.add(column)
    return header


def _read_xlsx(source: Source, profile: Profile, name: str) -> RawTable:
    import fastexcel

    sheet = profile.reader.sheet
    try:
        workbook = fastexcel.read_excel(str(source) if isinstance(source, Path) else source)
        sheet_name = sheet if sheet is not None else workbook.sheet_names[0]
        if sheet_name not in workbook.sheet_names:
            raise FatalImportError(
                f"{name}: werkblad '{sheet_name}' ontbreekt (gevonden: "
                f"{', '.join(workbook.sheet_names)})."
            )
        header_at, title = _sheet_layout(workbook, str(sheet_name), profile)
        # fastexcel releases the GIL while it parses the sheet: look for formulas meanwhile
        # (inflating the sheet's XML a second time costs about a quarter of the parse).
        with ThreadPoolExecutor(max_workers=1) as pool:
            formulas = pool.submit(_formula_xml, source, str(sheet_name))
            frame = workbook.load_sheet(
                sheet_name, header_row=header_at, dtypes="string"
            ).to_polars()
    except FatalImportError:
        raise
    except Exception as exc:  # fastexcel raises its own untyped errors for broken files
        raise FatalImportError(f"{name}: geen leesbaar Excel-bestand ({exc}).") from exc
    frame = frame.rename({c: c.strip() for c in frame.columns})
    # Rows in the sheet count from 1; the header is on row header_at + 1.
    frame = frame.with_row_index(LINE, offset=header_at + 2).with_columns(
        pl.col(LINE).cast(pl.Int64)
    )
    text_columns = [c for c in frame.columns if c != LINE]
    _no_title_above_sheet(text_columns, workbook, str(sheet_name), profile, name, header_at)
    footer_lines = 0
    if profile.reader.footer and text_columns:
        firsts = frame.select(pl.coalesce(_stripped(c) for c in text_columns))
        end = _footer_start(firsts.to_series().fill_null("").to_list(), profile.reader.footer)
        if end is not None:
            rest = frame.slice(end)
            footer_lines = rest.filter(~pl.all_horizontal(pl.col(text_columns).is_null())).height
            frame = frame.head(end)
    frame = frame.filter(~pl.all_horizontal(pl.col(text_columns).is_null()))
    return RawTable(
        frame,
        [],
        _formula_lines(formulas.result(), text_columns),
        title=title,
        header_line=header_at + 1,
        footer_lines=footer_lines,
        file_format="xlsx",
    )


def _stripped(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def _head_rows(workbook: object, sheet_name: str, rows: int) -> list[list[str]]:
    """The first rows of a sheet as text, counted from its row 1 (empty rows included)."""
    head = workbook.load_sheet(  # type: ignore[attr-defined]
        sheet_name, header_row=None, skip_rows=0, n_rows=rows, dtypes="string"
    ).to_polars()
    return [[(c or "").strip() for c in row] for row in head.iter_rows()]


def _sheet_layout(
    workbook: object, sheet_name: str, profile: Profile
) -> tuple[int, tuple[str, ...]]:
    """The header's row index (from 0) and the title rows' text above it."""
    setting = profile.reader.header_row
    if setting == 1:
        return 0, ()
    rows = HEADER_SEARCH if setting == "auto" else setting
    head = _head_rows(workbook, sheet_name, rows)
    if setting == "auto":
        index = header_index(head, profile.required_headers())
        if index is None:
            index = header_index(head, []) or 0
    else:
        index = setting - 1
    return index, tuple(t for t in (_title_text(row) for row in head[:index]) if t)


def _no_title_above_sheet(
    headers: list[str], workbook: object, sheet_name: str, profile: Profile, name: str, at: int
) -> None:
    wanted = profile.required_headers()
    if not wanted or set(wanted) <= set(headers):
        return
    head = _head_rows(workbook, sheet_name, at + HEADER_SEARCH)
    below = header_index(head[at + 1 :], wanted)
    if below is not None:
        line = at + below + 2
        raise FatalImportError(
            f"{name}: de kolomkoppen staan op rij {line}, niet op rij {at + 1}; de rijen erboven "
            f'zijn titelregels. Zet header_row = {line} (of "auto") onder [reader] in profiel '
            f"{profile.path.name}."
        )


_CELL = re.compile(r"([A-Z]+)(\d+)")
# Searched in the sheet's bytes: an ASCII pattern is found in UTF-8 bytes exactly when it is
# found in their text.
_FORMULA_BYTES = re.compile(rb"<f[ >/]")
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _formula_xml(source: Source, sheet_name: str) -> str | None:
    """The sheet's XML when it holds a formula (a cell's cached value is then not trustworthy
    data), else None: most registers hold none."""
    with zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source)) as archive:
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
        data = (
            _member_bytes(archive, source, member)
            if isinstance(source, Path)
            else archive.read(member)
        )
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
