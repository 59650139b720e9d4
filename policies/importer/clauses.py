"""The commitments inside a statement: each clause that names something to do or build.

README rule: a commitment is one trackable action; slogans of purpose ("为……贡献力量") and
restatements of the conference's spirit ("认真贯彻落实会议精神") stay in the statement but are not
commitments. The reading is by clause:

- sentences end at 。；！？ and clauses at "，", never inside quotation marks, 《》 or brackets;
- a clause opens a commitment when a verb of action (推进, 建设, 打造 …) heads it, after the
  subject ("市发改委将", "还将") is cut off;
- a framing clause (以……为路径, 围绕……, 聚焦……) belongs to the action it introduces;
- a clause with no verb of action, or one that elaborates (在……上有新作为, 尤其要……), continues the
  commitment before it;
- purpose clauses (为……), slogans and restatements end the commitment and are left out;
- an action that names the same thing as the one before it in the sentence (加快推动"一区两群"协调发展，
  着力推进"一区两群"协调发展机制……) elaborates it and continues it: they share a two-character
  word that is not one of the genre's everyday words (发展, 产业, 推进 …);
- "建设A示范区、B先行区" (a verb over a list of named zones) is one commitment per zone.

Every commitment is a ``(start, end)`` slice of the flat text, never rewritten.
"""

import re

_HAN = r"\u4e00-\u9fff"
_OPEN, _CLOSE = "“‘《（(「『【", "”’》）)」』】"
_SENTENCE_END = "。；！？;!?"
_CLAUSE_END = "，,"

_CUE = re.compile(
    "推进|推动|建设|打造|实施|加快|完善|培育|开展|落实|新建|完成|实现|构建|建成|深化|优化|提升|加强|强化|"
    "促进|扩大|加大|壮大|布局|创建|争创|统筹|做好|做优|做强|做大|做实|做靓|抓好|抓实|坚持|引进|吸引|招引|"
    "承接|吸纳|保障|稳定|改善|提高|增强|激发|健全|巩固|拓展|拓宽|助推|攻关|转化|谋划|畅通|筑牢|修复|治理|"
    "整治|改造|启动|投用|开工|竣工|投产|引领|升级|降低|减少|新增|设立|出台|制定|编制|修订|举办|开发|加速|"
    "力争|确保|帮扶|予以|倡导|监测|聚力|擦亮|发挥|培训|支持|扶持|建立|搭建|探索|推广|规范|防范|化解|遏制|"
    "整合|盘活|突破|对接|融入|衔接|保护|^抓|(?:^|大力|加快|着力|积极|重点|优先|协同)发展"
)
_CUE_HEAD = 8  # a verb of action must come this early in the clause to head it
_OBJECT_FIRST = re.compile("^(?:对|把|将|向|给)")  # 对……予以帮扶: the verb comes last
_SUBJECT = re.compile(
    f"^(?:[{_HAN}“”]{{0,12}}?)(?:还将|也将|并将|将继续|将进一步|将|还要|也要|要)(?=[{_HAN}“])"
)
_FRAMING = re.compile("^(?:紧紧|积极|牢牢|始终)?(?:以|围绕|按照|立足|依托|面向|紧扣|结合|通过|借助|根据|聚焦|坚持以)")
_ELABORATION = re.compile("^(?:在|尤其|特别是|特别要|其中|包括|进而|从而)")
_PURPOSE = re.compile("^(?:为|为了|以便|以期|努力为)")
_SLOGAN = re.compile(
    "贡献力量|担当新使命|展现新作为|作出新贡献|新的更大贡献|迈出坚实步伐|迈出新步伐|开好局|起好步|见到新气象|"
    "提供.{0,16}(?:支撑|保障)$|交出.{0,6}答卷|走在前列"
)
_RESTATEMENT = re.compile("^(?:认真|深入|全面|坚决|切实)?(?:学习|贯彻|领会)|会议精神")
_ROLE = re.compile("^作为")
_CONNECTOR = re.compile("^(?:同时|此外|另外|下一步|接下来|今后|明年|今年|未来|首先|其次|最后|一方面|另一方面)$")
_ZONE_VERB = re.compile("^(?:[^、，]{0,6}?)(?:建设|打造|创建|争创|建成|设立)")
_ZONE_ITEM = re.compile("(?:示范区|先行区|试验区|实验区|功能区|科技城|新城|中心|基地|园区|产业园|走廊|枢纽|城)$")


# Words too common in the genre to say that two clauses are about the same thing.
_GENERIC = frozenset(
    [
        "发展", "产业", "科技", "创新", "经济", "建设", "基础", "工作", "质量", "高质", "全面", "重点", "领域", "能力", "水平", "体系",
        "城市", "区域", "全市", "全省", "全国", "我市", "我省", "企业", "进一步", "一批", "重大", "推进", "推动", "加快", "实施", "提升",
        "加强", "持续", "积极", "着力", "大力", "深入", "不断", "服务", "项目", "打造", "完善", "构建", "优化", "提高", "增强", "坚持",
        "做好", "扩大", "加大",
    ]
)


def _topics(text):
    han = re.sub(f"[^{_HAN}]", " ", text)
    return {han[i : i + 2] for i in range(len(han) - 1) if " " not in han[i : i + 2]} - _GENERIC - {
        m.group() for m in _CUE.finditer(text)
    }


def _continues_topic(flat, before, text):
    """Whether an action names the same thing as the clause ``before`` it (not a list of zones)."""
    if not before or len(_zone_items(flat, *before)) > 1:
        return False
    return bool(_topics(flat[before[0] : before[1]]) & _topics(text))


def _pieces(flat, start, end, stops):
    """Slices of ``flat[start:end]`` cut at ``stops`` outside quotation marks and brackets."""
    result, depth, piece_start = [], 0, start
    for i in range(start, end):
        ch = flat[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in stops and depth == 0:
            result.append((piece_start, i))
            piece_start = i + 1
    result.append((piece_start, end))
    return [(s, e) for s, e in (_strip(flat, s, e) for s, e in result) if e > s]


def _strip(flat, start, end):
    while start < end and (flat[start].isspace() or flat[start] in _SENTENCE_END + _CLAUSE_END):
        start += 1
    while end > start and (flat[end - 1].isspace() or flat[end - 1] in _SENTENCE_END + _CLAUSE_END):
        end -= 1
    return start, end


def _without_subject(flat, start, end):
    text = flat[start:end]
    match = _SUBJECT.match(text)
    if match and not _CUE.search(text[: match.start() + len(match.group()) - 1]):
        return start + match.end()
    return start


def _is_action(text):
    cue = _CUE.search(text)
    if not cue:
        return False
    return cue.start() < _CUE_HEAD or bool(_OBJECT_FIRST.match(text))


def _zone_items(flat, start, end):
    """``努力建设A城、B示范区、C先行区`` → one span per named zone; otherwise the span itself."""
    text = flat[start:end]
    verb = _ZONE_VERB.match(text)
    if not verb or "、" not in text:
        return [(start, end)]
    items = _pieces(flat, start + verb.end(), end, "、")
    if len(items) < 2 or not all(_ZONE_ITEM.search(flat[s:e]) for s, e in items):
        return [(start, end)]
    spans = [(start, items[0][1])]
    spans.extend(items[1:])
    return spans


def commitment_spans(flat, start, end):
    """The commitments of the statement at ``flat[start:end]``, as ``(start, end)`` spans in order."""
    spans = []
    for sentence_start, sentence_end in _pieces(flat, start, end, _SENTENCE_END):
        current = None  # [start, end] of the commitment being read
        framing = None  # start of framing clauses waiting for their action
        framing_has_cue = False
        framing_end = None

        def close():
            nonlocal current
            if current:
                spans.extend(_zone_items(flat, *current))
            current = None

        previous = None  # the clause before, for topic continuity
        for clause_start, clause_end in _pieces(flat, sentence_start, sentence_end, _CLAUSE_END):
            head = _without_subject(flat, clause_start, clause_end)
            text = flat[head:clause_end]
            before, previous = previous, (head, clause_end)
            if _PURPOSE.match(text) or _SLOGAN.search(text) or _RESTATEMENT.search(text):
                close()
                framing = None
            elif _CONNECTOR.match(text):
                close()
            elif _ROLE.match(text):
                close()
                framing = None
            elif _ELABORATION.match(text):
                if current:
                    current[1] = clause_end
            elif _FRAMING.match(text):
                close()
                if framing is None:
                    framing = head
                framing_has_cue = framing_has_cue or _is_action(text)
                framing_end = clause_end
            elif _is_action(text):
                if current and framing is None and _continues_topic(flat, before, text):
                    current[1] = clause_end
                    continue
                close()
                current = [framing if framing is not None else head, clause_end]
                framing, framing_has_cue = None, False
            elif current:
                current[1] = clause_end
            else:
                framing, framing_has_cue = None, False
        if framing is not None and framing_has_cue:
            current = [framing, framing_end]
        close()
    return spans
