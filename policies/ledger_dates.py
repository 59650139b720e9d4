"""Dates in a ledger cell as spreadsheets write them.

A date cell of an .xlsx arrives as a date. Everything else arrives as the text or number the user
saw: CSV stores what each cell displayed, and a date typed into a text cell stays text. Accepted:

- year first: 2026-11-24, 2026/11/24, 2026.11.24, 2026年11月24日, 26年11月24日, 20261124;
- LibreOffice's Chinese-locale short date, two-digit year first with dashes: 26-11-24;
- year last, month first: 11/24/26, 11/24/2026 (what Excel and LibreOffice write in a US locale);
- a serial number, as a date cell shows when its format is lost: 46350 (days since 1899-12-30).

The ambiguity rule: with the year last, the month comes first, always. 24/11/26 (day first, as a
British locale writes it) is refused, not guessed: a date that is silently wrong is worse than a
message. A two-digit year is 20YY. The error names the cell and the unambiguous way to write it.
"""

import datetime
import re

from django.utils.functional import lazy
from django.utils.translation import gettext

# How people write dates in the sheet (data: the Chinese forms are read whatever the interface's language).
_EXAMPLES = ("2026-11-24", "2026/11/24", "2026年11月24日", "26年11月24日", "11/24/26")
DATE_FORMATS_HELP = lazy(
    lambda: gettext("可识别：%(formats)s（月/日/年）。") % {"formats": gettext("、").join(_EXAMPLES)}, str
)()

_SEPARATED = re.compile(r"([0-9]{1,4})\s*([-/.])\s*([0-9]{1,2})\s*\2\s*([0-9]{1,4})")
_CHINESE = re.compile(r"([0-9]{2}|[0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日?")
_COMPACT = re.compile(r"(20[0-9]{2})([0-9]{2})([0-9]{2})")
_SERIAL = re.compile(r"[0-9]{5}(?:\.[0-9]+)?")
_HALF_WIDTH = str.maketrans("０１２３４５６７８９．／－", "0123456789./-")
# 1899-12-30 is day 0 of the 1900 date system that Excel and LibreOffice write into .xlsx and show in
# CSV; serials from 1982 (30000) to 2173 (99999) are the only numbers that can be a commitment's date.
_EPOCH = datetime.date(1899, 12, 30)
_SERIALS = range(30000, 100000)


def _year(text):
    return 2000 + int(text) if len(text) == 2 else int(text)


def _from_serial(number):
    if int(number) not in _SERIALS:
        raise ValueError
    return _EPOCH + datetime.timedelta(days=int(number))


def parse_cell_date(value):
    """The date a cell shows; ValueError when it is no date or an ambiguous one."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(value)
    text = ("" if value is None else str(value)).strip().translate(_HALF_WIDTH)
    # A date cell exported "as shown" may carry a time: "2026/11/24 00:00:00".
    text = re.sub(r"\s+[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$", "", text)
    if match := _CHINESE.fullmatch(text):
        return datetime.date(_year(match[1]), int(match[2]), int(match[3]))
    if match := _COMPACT.fullmatch(text):
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    if _SERIAL.fullmatch(text):
        return _from_serial(float(text))
    match = _SEPARATED.fullmatch(text)
    if not match:
        raise ValueError
    first, separator, middle, last = match.groups()
    if len(first) == 4 or (separator == "-" and len(last) <= 2):
        if len(last) > 2:
            raise ValueError
        return datetime.date(_year(first), int(middle), int(last))
    if separator == "/" and len(first) <= 2 and len(last) in (2, 4):
        return datetime.date(_year(last), int(first), int(middle))  # month first: the ambiguity rule
    raise ValueError
