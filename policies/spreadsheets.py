"""What every spreadsheet file we write needs: text that Excel or LibreOffice will not run.

A cell whose text begins with = + - @ (or a tab or carriage return, which some programs strip
before looking) is read as a formula when a CSV is opened, so a quote or a note could run
=HYPERLINK(...) or worse on a reader's machine (CSV injection). Used by the public exports and
the open-data download; the ledger download (policies/ledger.py) should use it too.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value):
    """``value`` with a leading apostrophe when it is text a spreadsheet would run as a formula.

    The apostrophe is what a person types in Excel to say "this is text"; anything that is not a
    string (numbers, dates, None) is returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_cell(sheet, value):
    """A write-only .xlsx cell holding ``value``; text is always stored as text, never as a formula.

    openpyxl stores a string beginning with "=" as a formula; typed as a string cell it is shown
    verbatim and never evaluated, so .xlsx needs no apostrophe.
    """
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell
