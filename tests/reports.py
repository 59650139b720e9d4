"""Short reports of the genre, written for the import tests: a second city's conference."""

# Held 2021-12-28 (the text prints the year): plans 2022; key tasks as numbered headings; one
# commitment names 2025; one official is quoted with a slogan that is not a commitment.
JIANGZHOU = """江州召开全市经济工作会议

2021年12月28日，江州召开全市经济工作会议，部署明年经济工作。

会议明确了明年的重点任务：

一、扩大有效投资
（一）推进重大项目建设
（二）加快新型基础设施建设
二、促进消费升级
（一）培育国际消费中心城市

会议精神在全市引发热烈反响。

江北区委书记李强表示，江北区将加快建设中央商务区，新建5G基站2000个，到2025年建成国际消费
中心核心区。

市商务委主任王芳说，将举办国际消费节，培育一批夜间经济示范街区，为全市发展贡献力量。
"""

JIANGZHOU_QUOTES = {
    "李强": ["加快建设中央商务区", "新建5G基站2000个", "到2025年建成国际消费中心核心区"],
    "王芳": ["举办国际消费节", "培育一批夜间经济示范街区"],
}
