"""The monthly report (月报): the figures in ``monthly`` (one selector), written as XLSX by ``xlsx`` and
as PDF by ``pdf``; the command ``monthly_report`` and the workbench's download both call ``render``."""

from .monthly import MonthlyReport, find_conference, monthly_report, parse_month

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def render(report, fmt):
    """The report as bytes in ``fmt`` (a key of FORMATS)."""
    if fmt == "pdf":
        from .pdf import write_pdf

        return write_pdf(report)
    from .xlsx import write_xlsx

    return write_xlsx(report)


def file_name(report, fmt):
    return f"monthly-report-{report.conference.held_on:%Y-%m-%d}-{report.month:%Y-%m}.{fmt}"


__all__ = ["FORMATS", "MonthlyReport", "file_name", "find_conference", "monthly_report", "parse_month", "render"]
