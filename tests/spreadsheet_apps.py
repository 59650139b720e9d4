"""Files as LibreOffice writes them: the ledger tests re-save through the real application.

Debian's ``libreoffice-calc-nogui`` provides ``soffice``; ``.ci/run`` installs it. Each conversion
runs in its own temporary directory with its own throwaway profile, so tests never share state.
"""

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

SOFFICE = shutil.which("soffice")
needs_libreoffice = unittest.skipIf(
    SOFFICE is None, "soffice not found: apt-get install --no-install-recommends libreoffice-calc-nogui"
)

# LibreOffice's CSV filter options: comma, double quote, encoding, from line 1, no column formats,
# language, quote text cells, detect special numbers, save cell contents as shown.
CSV_ENCODINGS = {"utf-8": 76, "gb18030": 85, "utf-16": 65535}


def libreoffice_convert(data, *, source, target, encoding="utf-8", locale="zh_CN.UTF-8"):
    """``data`` (a file ending in ``source``) re-saved by LibreOffice as ``target`` ("xlsx" or "csv")."""
    with tempfile.TemporaryDirectory(prefix="lo-") as tmp:
        tmp = Path(tmp)
        (tmp / f"ledger.{source}").write_bytes(data)
        if target == "csv":
            target = f'csv:Text - txt - csv (StarCalc):44,34,{CSV_ENCODINGS[encoding]},1,,0,false,true,true'
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless",
             "--convert-to", target, "--outdir", str(tmp / "out"), str(tmp / f"ledger.{source}")],
            check=True, capture_output=True, timeout=180,
            env={**os.environ, "LC_ALL": locale, "LANG": locale, "HOME": str(tmp)},
        )
        (converted,) = (tmp / "out").iterdir()
        return converted.read_bytes()
