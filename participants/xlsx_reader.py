"""openpyxl's read-only reader, minus the work an import does not need.

Three things make openpyxl slow on a participant list, and are skipped here:

- opening a sheet reads all of it once when it declares no `<dimension>` (as files written
  by openpyxl itself, and by some other programs), only to learn its size, which the import
  does not trust anyway;
- every string cell (shared or inline) becomes a rich-text object first, of which only the
  plain text is kept;
- every cell becomes a dictionary, and every row a tuple padded by another pass.

Everything else is openpyxl's: the workbook, the styles (which tell dates from numbers), the
XML parser and the reading of numbers, booleans, dates and errors. Only vetted archives
(`spreadsheets.check_archive`) reach this module.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import INLINE_STRING, VALUE_TAG, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

STRING_ITEM = f"{{{SHEET_MAIN_NS}}}si"
TEXT = f"{{{SHEET_MAIN_NS}}}t"


def _local(tag: Any) -> str | None:
    return tag.rpartition("}")[2] if isinstance(tag, str) else None


def plain_text(node) -> str:
    """The text of a string item (`<si>` or `<is>`), as openpyxl's `Text.content` gives it.

    The last `<t>` child, then the last `<t>` of each run (`<r>`) in order; phonetic runs
    and formatting are left out. Elements are matched by local name, as openpyxl does.
    """
    if len(node) == 1 and node[0].tag == TEXT:  # the common case: <t> alone
        return node[0].text or ""
    plain = None
    runs = []
    for child in node:
        name = _local(child.tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            run = None
            for part in child:
                if _local(part.tag) == "t":
                    run = part.text
            if run is not None:
                runs.append(run)
    if plain is not None:
        runs.insert(0, plain)
    return "".join(runs)


def read_shared_strings(source) -> list[str]:
    """The shared strings, as openpyxl's `read_string_table` reads them."""
    strings = []
    for _event, node in iterparse(source):
        if node.tag == STRING_ITEM:
            strings.append(plain_text(node).replace("x005F_", ""))
            node.clear()
    return strings


class _Sheet(ReadOnlyWorksheet):
    def _get_size(self) -> None:
        # The declared size is not trusted (rows are read up to their last cell); without
        # a <dimension> openpyxl would read the whole sheet here to find it.
        pass


class _Reader(ExcelReader):
    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = read_shared_strings(source)

    def read_worksheets(self) -> None:
        # openpyxl's read-only branch, with sheets that are not measured when opened.
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            worksheet = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def open_workbook(data: bytes) -> Workbook:
    """A read-only workbook with cached values, as `load_workbook(…, read_only=True,
    data_only=True)` opens it; its worksheets are read with `sheet_rows`."""
    reader = _Reader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read()
    return reader.wb


class _Parser(WorkSheetParser):
    """Cells straight to values; strings without rich-text objects."""

    def parse_cell(self, element) -> dict[str, Any]:
        data_type = element.get("t")
        if data_type == "s":
            value = element.findtext(VALUE_TAG)
            value = self.shared_strings[int(value)] if value else None
        elif data_type == "inlineStr":
            child = element.find(INLINE_STRING)
            value = None if child is None else plain_text(child)
        else:
            return super().parse_cell(element)
        coordinate = element.get("r")
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        return {"row": row, "column": column, "value": value}

    def parse_row(self, row) -> tuple[int, tuple]:
        number, cells = super().parse_row(row)
        if not cells:
            return number, ()
        values = [None] * cells[-1]["column"]
        # As openpyxl: the last cell sets the length; a cell out of order past it is lost.
        for cell in cells:
            column = cell["column"]
            if 0 < column <= len(values):
                values[column - 1] = cell["value"]
        return number, tuple(values)


def sheet_rows(sheet: ReadOnlyWorksheet) -> Iterator[tuple[int, tuple]]:
    """(row number, cell values) of every row, as `iter_rows(values_only=True)` gives them.

    A row is as long as its last cell; a row missing from the file comes as (); a row
    numbered before the one read last is skipped, as openpyxl does.
    """
    workbook = sheet.parent
    with sheet._get_source() as source:
        parser = _Parser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        expected = 1
        for number, values in parser.parse():
            if number < expected:
                continue
            while expected < number:
                yield expected, ()
                expected += 1
            yield number, values
            expected = number + 1
