"""Turn what a reviewer uploads into text, or say clearly why it cannot be read.

Reports arrive as files saved from a newspaper's web page, a PDF or a word processor: UTF-8 with or
without a byte-order mark, or GB18030/GBK from older Chinese Windows tools. Anything else is refused
before any reading starts, so a bad file never produces a half-read report.
"""

import codecs

MAX_BYTES = 5 * 1024 * 1024

# Characters that never occur in text typed or copied by a person; a file that has them is not text.
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}


class ImportInputError(ValueError):
    """The input cannot be read as a report; the message is bilingual and meant for the user."""

    def __init__(self, chinese, english):
        self.chinese = chinese
        self.english = english
        super().__init__(f"{chinese} / {english}")


def _check_size(size):
    if size > MAX_BYTES:
        raise ImportInputError(
            f"文件过大：{size / 1024 / 1024:.1f} MB，上限为 5 MB。",
            f"The input is {size / 1024 / 1024:.1f} MB; the limit is 5 MB.",
        )


def _binary_error():
    return ImportInputError(
        "这不是文本文件（含有二进制内容），请粘贴或上传纯文本（.txt）。",
        "This is not a text file (it contains binary data); paste or upload plain text (.txt).",
    )


def _decode_bytes(data):
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise _binary_error() from None
    if b"\x00" in data:
        raise _binary_error()
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312, so one attempt covers all three.
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ImportInputError(
            "无法识别文件编码：请保存为 UTF-8 或 GBK/GB18030 编码的纯文本。",
            "Unknown encoding: save the text as UTF-8 or GBK/GB18030.",
        ) from None


def decode(data):
    """Return ``(text, encoding)`` for ``data`` (bytes or str), or raise ``ImportInputError``."""
    if isinstance(data, str):
        _check_size(len(data.encode("utf-8")))
        text, encoding = data.removeprefix("\ufeff"), "str"
    else:
        _check_size(len(data))
        text, encoding = _decode_bytes(bytes(data))
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS)
    if "\x00" in text or controls > max(2, len(text) // 1000):
        raise _binary_error()
    if not text.strip():
        raise ImportInputError("内容为空：没有可读取的文字。", "The input is empty: there is no text to read.")
    return text, encoding
