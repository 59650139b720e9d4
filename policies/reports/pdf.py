"""The monthly report as a PDF, with the Chinese font embedded (a subset) so that it prints anywhere.

fpdf2, because Debian's fonts-noto-cjk (already needed by the browser tests) ships Noto Sans CJK as
CFF-outline .ttc collections, which fpdf2 embeds and subsets and reportlab refuses ("postscript
outlines are not supported"); HTML-to-PDF renderers would bring a browser engine or Pango with them.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from fpdf import FPDF
from fpdf.fonts import FontFace

from ..choices import LIGHT_COLOURS, LIGHT_ORDER, Light, Status
from .monthly import LIGHT_HEADERS, STATUS_HEADERS

FONT = "cjk"


def _rgb(colour):
    colour = colour.lstrip("#")
    return tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))


class _Document(FPDF):
    def __init__(self, report):
        super().__init__(orientation="L", format="A4")
        self.report = report
        font = Path(settings.REPORT_FONT)
        if not font.exists():
            raise ImproperlyConfigured(
                f"月报 PDF 需要中文字体 {font}：请安装 fonts-noto-cjk，或用 TRACKER_REPORT_FONT 指定一个 CJK 字体文件。"
            )
        self.add_font(FONT, fname=str(font), collection_font_number=settings.REPORT_FONT_INDEX)
        self.set_font(FONT, size=9)
        self.set_auto_page_break(True, margin=14)
        self.set_margins(12, 12, 12)

    def footer(self):
        self.set_y(-10)
        self.set_font(FONT, size=8)
        self.cell(0, 5, f"{self.report.title} · 第 {self.page_no()} 页", align="C")

    def heading(self, text):
        self.ln(3)
        self.set_font(FONT, size=12)
        self.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=9)

    def grid(self, headers, rows, widths):
        heading = FontFace(fill_color=(232, 238, 244))
        self.set_fill_color(255, 255, 255)  # the chart's last bar colour would otherwise fill every cell
        with self.table(col_widths=widths, headings_style=heading, line_height=5.5, text_align="LEFT",
                        first_row_as_headings=True) as table:
            for values in [headers, *rows]:
                row = table.row()
                for value in values:
                    row.cell("" if value is None else str(value))

    def light_chart(self, groups):
        """Lights per organization as stacked horizontal bars, drawn (not an image), with a legend."""
        label_width, bar_width, bar_height = 45, 160, 4.5
        most = max((group.total for group in groups), default=0) or 1
        x0 = self.l_margin
        for light, label in zip(LIGHT_ORDER, LIGHT_HEADERS, strict=True):
            self.set_fill_color(*_rgb(LIGHT_COLOURS[light]))
            self.rect(x0, self.get_y() + 1, 4, 3, style="F")
            self.set_x(x0 + 5)
            self.cell(18, 5, label)
            x0 += 24
        self.ln(7)
        for group in groups:
            if self.will_page_break(bar_height + 1.5):
                self.add_page()
            y = self.get_y()
            self.set_x(self.l_margin)
            self.cell(label_width, bar_height, group.name[:14])
            x = self.l_margin + label_width
            for light, count in zip(LIGHT_ORDER, group.light_counts, strict=True):
                if count:
                    width = bar_width * count / most
                    self.set_fill_color(*_rgb(LIGHT_COLOURS[light]))
                    self.rect(x, y + 0.5, width, bar_height - 1, style="F")
                    x += width
            self.set_xy(x + 2, y)
            self.cell(10, bar_height, str(group.total))
            self.ln(bar_height + 1.5)


def _group_rows(groups, total):
    return [[group.name, group.total, *group.status_counts, *group.light_counts, group.avg_percent]
            for group in [*groups, total]]


def write_pdf(report):
    pdf = _Document(report)
    pdf.set_title(report.title)
    pdf.add_page()
    pdf.set_font(FONT, size=16)
    pdf.multi_cell(0, 9, report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)
    overall = report.overall
    pdf.multi_cell(0, 5, (
        f"数据截至 {report.as_of:%Y-%m-%d}。承诺事项 {overall.total} 项，平均完成进度 {overall.avg_percent}%；"
        f"本月状态或进度有变化的 {len(report.changes)} 项；红灯 {overall.light_count(Light.RED)} 项。"
        "状态与进度取自审核通过的进展，灯号按当日计算。"
    ), new_x="LMARGIN", new_y="NEXT")
    headers = ["名称", "承诺数", *STATUS_HEADERS, *LIGHT_HEADERS, "平均进度（%）"]
    widths = (48, 14, *[15] * (len(STATUS_HEADERS) + len(LIGHT_HEADERS)), 28)
    pdf.heading("各责任单位承诺灯号")
    pdf.light_chart(report.organizations)
    pdf.heading("按责任单位")
    pdf.grid(headers, _group_rows(report.organizations, overall), widths)
    pdf.heading("按重点任务")
    pdf.grid(headers, _group_rows(report.tasks, overall), widths)
    pdf.heading("本月变化（与上月末相比）")
    if report.changes:
        pdf.grid(["责任单位", "承诺事项", "上月末", "本月末", "变更日期", "操作人"],
                 [[row.commitment.organization.name, row.commitment.summary, row.before.words, row.state.words,
                   row.changed_on, row.changed_by] for row in report.changes], (36, 96, 36, 36, 22, 24))
    else:
        pdf.cell(0, 6, "本月没有承诺事项的状态或进度发生变化。", new_x="LMARGIN", new_y="NEXT")
    pdf.heading("红灯清单")
    if report.red_list:
        pdf.grid(["责任单位", "承诺事项", "应完成日期", "状态", "进度（%）", "最近审核通过的进展"],
                 [[row.commitment.organization.name, row.commitment.summary, f"{row.next_due:%Y-%m-%d}",
                   Status(row.state.status).label, row.state.percent,
                   f"{row.state.last_update_on:%Y-%m-%d}" if row.state.last_update_on else "无"]
                  for row in report.red_list], (36, 110, 24, 22, 18, 40))
    else:
        pdf.cell(0, 6, "没有红灯承诺。", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
