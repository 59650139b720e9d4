"""Who speaks in a report, and where each official's statement is.

The genre (newspaper round-ups after a work conference, ministry press briefings) introduces a
speaker as ``[organization][title][name]表示，…`` or ``[name]，[organization][title]，表示，…``,
refers back with ``他表示`` or the bare name, and quotes the official to the end of the paragraph,
sometimes into the next one. Names come from jieba's part-of-speech tags and from their position
between a title and a verb of speech, never from a list of known names.
"""

import re
from dataclasses import dataclass

from .names import leading_noun_offset, leading_person_name, trailing_person_name

HAN = r"\u4e00-\u9fff"
SPEECH = r"(?:表示|指出|介绍|认为|强调|坦言|透露|称|说)"
# Adverbs and short phrases that may stand between a speaker and the verb of speech.
_BETWEEN = r"(?:也|还|则|都|更|并|同时|进一步|在[^，。；！？]{1,20}?(?:时|上|中)|接受[^，。；！？]{1,12}?采访时|对记者)*"
_POSTS = (
    "新闻发言人|发言人|负责人|书记|主任|局长|部长|司长|署长|厅长|处长|区长|县长|市长|州长|省长|镇长|乡长|"
    "董事长|总经理|经理|总裁|行长|主席|院长|校长|秘书长|理事长|会长|社长|总工程师|总经济师|总会计师|"
    "总监|巡视员|组长|常委|委员(?!会)"
)
_POST_RE = re.compile(f"(?:{_POSTS})")
# One post: an optional body (党组, 管委会 …), rank words, then the post. "委" alone is the party
# committee of the place before it: 荣昌区委书记 is the secretary of 荣昌区.
_UNIT = f"(?:(?:党组|党委|党工委|管委会|董事会|纪委|人大常委会|政协|委)?(?:常务|执行|首席|一级|二级)?副?(?:{_POSTS}))"
_SUB_BODY = f"(?:[{HAN}]{{2,12}}?(?:局|司|处|室|中心|办公室))"
_TITLE_TAIL = re.compile(f"{_UNIT}(?:(?:、|兼){_SUB_BODY}?{_UNIT})*")
_BOUNDARY = re.compile(r"[，。；：！？“”「」『』（）()\s,;:!?]")
_NAME_AT = re.compile(f"([{HAN}]{{2,3}}?){_BETWEEN}{SPEECH}[，,：:]")
_NOT_NAME_START = set("在也还对就则都同接据并更")
_PRONOUN = re.compile(f"(?:他|她){_BETWEEN}$")
_CONTINUATION = re.compile(r"^(?:同时|此外|另外|并且|他还|她还|还将|并将|下一步|接下来|今后|未来|最后)")


@dataclass
class Mention:
    name: str
    title: str  # as printed: the organization's name and the post ("荣昌区委书记")
    organization: str
    start: int  # where the organization (or the name, when it comes first) starts in the flat text
    end: int  # just after the name


@dataclass
class Official:
    name: str
    title: str
    organization: str
    kind: str | None


@dataclass
class StatementSpan:
    official: Official
    start: int
    end: int


def organization_kind(name):
    """The kind of organization its name says (README: district, county, department, zone, enterprise)."""
    if re.search(r"(集团|公司|银行|有限|股份)", name):
        return "enterprise"
    if re.search(r"(新区|高新区|开发区|经开区|园区|保税区|自贸区|自由贸易试验区|试验区|示范区)$", name):
        return "zone"
    if re.search(r"(部|委|局|办|厅|署|委员会|办公室|中心|总署|院)$", name):
        return "department"
    if name.endswith("县"):
        return "county"
    if name.endswith("区"):
        return "district"
    return None


def split_title(prefix):
    """``(organization, title)`` for text such as ``市发展改革委党组书记、主任``, or None."""
    for i in range(1, len(prefix)):
        tail = prefix[i:]
        if tail.startswith("委") and prefix[i - 1] not in "区县市州旗":
            continue
        if _TITLE_TAIL.fullmatch(tail):
            organization = prefix[:i]
            if len(organization) >= 2 and not _BOUNDARY.search(organization):
                return organization, prefix
    return None


def _clause_start(flat, pos, floor):
    for i in range(pos - 1, floor - 1, -1):
        if _BOUNDARY.match(flat[i]):
            return i + 1
    return floor


def _name_at(flat, pos, limit):
    """The person name starting at ``pos`` (just after a title), or ""."""
    match = _NAME_AT.match(flat, pos, limit)
    if match and match.group(1)[0] not in _NOT_NAME_START:
        return match.group(1)
    return leading_person_name(flat[pos:limit])


def mentions_in(flat, paragraph):
    """``[organization][title][name]`` mentions in a paragraph, in order."""
    found = []
    for post in _POST_RE.finditer(flat, paragraph.start, paragraph.end):
        name = _name_at(flat, post.end(), paragraph.end)
        if not name:
            continue
        start = _clause_start(flat, post.start(), paragraph.start)
        prefix = flat[start : post.end()]
        skip = leading_noun_offset(prefix)
        parsed = split_title(prefix[skip:])
        if parsed:
            organization, title = parsed
            found.append(Mention(name, title, organization, start + skip, post.end() + len(name)))
    return found


def _name_first_mention(flat, paragraph, verb_start):
    """``张三，某区区委书记，表示`` / ``张三（某区区委书记）表示``: the mention before the verb, or None."""
    before = flat[paragraph.start : verb_start]
    match = re.search(f"([{HAN}]{{2,4}})[，,（(]([^，。；：！？,（()）]{{3,40}})[，,）)]{_BETWEEN}$", before)
    if not match:
        return None
    parsed = split_title(match.group(2))
    if not parsed:
        return None
    name = trailing_person_name(before[: match.start(2) - 1])
    if not name:
        return None
    start = paragraph.start + match.start(2) - 1 - len(name)
    return Mention(name, parsed[1], parsed[0], start, start + len(name))


def _speaker(flat, paragraph, verb, mentions, known, last):
    """The official who speaks at ``verb`` (a match of the verb and its comma), or None."""
    between = re.compile(f"{_BETWEEN}$")
    for mention in reversed(mentions):
        if mention.end <= verb.start() and between.fullmatch(flat, mention.end, verb.start()):
            return mention, mention.start
    head = flat[_clause_start(flat, verb.start(), paragraph.start) : verb.start()]
    first = _name_first_mention(flat, paragraph, verb.start())
    if first:
        return first, first.start
    pronoun = _PRONOUN.search(head)
    if pronoun:
        earlier = [mention for mention in mentions if mention.end <= verb.start()]
        referent = earlier[-1] if earlier else last
        if referent is not None:
            return referent, verb.start() - len(head) + pronoun.start()
    for name, mention in known.items():
        bare = re.search(f"{re.escape(name)}{_BETWEEN}$", head)
        if bare:
            return mention, verb.start() - len(head) + bare.start()
    return None


def _official(mention):
    return Official(mention.name, mention.title, mention.organization, organization_kind(mention.organization))


def _sentence_end_before(flat, start, pos):
    """Where a statement stops when another speaker's sentence starts at ``pos``."""
    for i in range(pos - 1, start - 1, -1):
        if flat[i] in "。！？":
            return i + 1
        if flat[i] in "，；,;":
            return i
    return pos


def _continues(flat, paragraph, official):
    """Whether ``paragraph`` goes on quoting ``official`` (it starts with 同时/此外/他还表示/[org]将 …)."""
    head = flat[paragraph.start : paragraph.start + 16]
    if _CONTINUATION.match(head) or re.match(f"(?:他|她){_BETWEEN}{SPEECH}", head):
        return True
    if re.match(f"{re.escape(official.name)}{_BETWEEN}{SPEECH}", head):
        return True
    subject = re.match(f"([{HAN}]{{2,12}}?)(?:还将|也将|将|还要|要)", head)
    if subject:
        word = subject.group(1)
        return word in official.organization or word[-1] == official.organization[-1]
    return False


def find_statements(flat, paragraphs):
    """Each official's statement, as a span of the flat text, in the order of the report."""
    statements = []
    known = {}  # name → mention, for bare names used after the first mention
    last = None
    speech_re = re.compile(f"{SPEECH}[，,：:]")
    for index, paragraph in enumerate(paragraphs):
        if index and statements and statements[-1].end == paragraphs[index - 1].end:
            previous = statements[-1]
            if not _has_other_speaker(flat, paragraph, previous.official) and _continues(
                flat, paragraph, previous.official
            ):
                previous.end = paragraph.end
                continue
        mentions = mentions_in(flat, paragraph)
        points = []
        for verb in speech_re.finditer(flat, paragraph.start, paragraph.end):
            found = _speaker(flat, paragraph, verb, mentions, known, last)
            if found:
                mention, subject_start = found
                points.append((mention, subject_start, verb.end()))
                known[mention.name] = mention
                last = mention
        if mentions:
            last = mentions[-1] if not points or mentions[-1].end > points[-1][2] else last
            for mention in mentions:
                known.setdefault(mention.name, mention)
        for i, (mention, _, text_start) in enumerate(points):
            if i and points[i - 1][0].name == mention.name:
                continue  # 他还表示 after the same speaker: one statement
            end = paragraph.end
            for later, subject_start, _ in points[i + 1 :]:
                if later.name != mention.name:
                    end = _sentence_end_before(flat, text_start, subject_start)
                    break
            statements.append(StatementSpan(_official(mention), text_start, end))
    return statements


def _has_other_speaker(flat, paragraph, official):
    for mention in mentions_in(flat, paragraph):
        if mention.name != official.name:
            return True
    return False

