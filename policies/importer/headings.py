"""Key-task headings and their sub-items, where a report prints them.

Two layouts of the genre are read:

- an infographic ("2021年经济工作重点任务"): after a heading line that names the key tasks, each
  lone short line is a task; inside a block, a line "label␠description" is a sub-item (its
  description may wrap onto the next lines), a run of short lines are sub-items without
  description, and prose directly under a task is its description. Sub-items or prose printed before
  the first task belong to it (infographics sometimes print a task's points above its title). The
  list ends at a line that opens a new piece (□本报评论员, an indented line);
- numbered headings in running text: "一、……" lines as tasks, "（一）……" or "1．……" lines under them.

Codes are given in order of appearance: T1, T1.1, T1.2, T2 …; spans index the flat text.
"""

import re

from .drafts import TaskDraft
from .text import blocks, is_heading_line, lines

_LIST_TITLE = re.compile(r"重点任务|主要任务|重点工作")
_LABELLED = re.compile(r"^(\S{2,16}?)[ \u3000]+(\S.*)$")
_NUMBERED_TOP = re.compile(r"^\s*[一二三四五六七八九十]+、\s*(.{2,40}?)\s*$")
_NUMBERED_CHILD = re.compile(r"^\s*(?:（[一二三四五六七八九十]+）|\d+[.．、])\s*(.{2,60}?)\s*$")
_PUNCT = re.compile(r"[，。；：！？,;:]")


def _task(code, title, description, span):

    return TaskDraft(code=code, title=title, description=description, span=span)


def _span(first, last):
    start = first.start + len(first.text) - len(first.text.lstrip())
    end = last.start + len(last.text.rstrip())
    return (start, end)


def _ends_list(line, index):
    stripped = line.text.lstrip()
    return stripped.startswith("□") or (index > 0 and line.text[:1] in (" ", "\u3000"))


def _layout_blocks(text):
    """Blocks, with a block joined to the prose block before it when that one stops in mid-sentence."""
    result = []
    for block in blocks(text):
        last = result[-1][-1].text.strip() if result else ""
        prose = result and not _LABELLED.match(result[-1][0].text.strip())
        if prose and last and not is_heading_line(last) and not re.search(r"[。！？]$", last):
            result[-1].extend(block)
        else:
            result.append(list(block))
    return result


def _infographic(text, flat):
    all_lines = lines(text)
    start = next(
        (i for i, line in enumerate(all_lines) if is_heading_line(line.text) and _LIST_TITLE.search(line.text)),
        None,
    )
    if start is None:
        return []
    region_start = all_lines[start].end
    tops = []  # [title_line, description_span or None, children]
    pending_children, pending_description = [], None
    for block in _layout_blocks(text):
        if block[0].start < region_start:
            continue
        stop = next((i for i, line in enumerate(block) if _ends_list(line, i)), None)
        if stop == 0:
            break
        block = block[:stop]
        if len(block) == 1 and is_heading_line(block[0].text):
            tops.append([block[0], pending_description, pending_children, bool(pending_description)])
            pending_children, pending_description = [], None
            continue
        children = tops[-1][2] if tops else pending_children
        labelled = [_LABELLED.match(line.text.strip()) for line in block]
        if labelled[0] and not _PUNCT.search(labelled[0].group(1)):
            current = None
            for line, match in zip(block, labelled, strict=True):
                if match and not _PUNCT.search(match.group(1)):
                    current = [match.group(1), line, line]
                    children.append(current)
                elif current:
                    current[2] = line
        elif len(block) > 1 and all(is_heading_line(line.text) for line in block):
            children.extend([line.text.strip(), line, line] for line in block)
        elif tops and not tops[-1][2] and tops[-1][1] is None:
            tops[-1][1] = _span(block[0], block[-1])
        elif not tops:
            pending_description = _span(block[0], block[-1])
        else:
            break
        if stop is not None:
            break
    if len(tops) < 2:
        return []
    result = []
    for n, (line, description, children, description_elsewhere) in enumerate(tops, 1):
        title_span = _span(line, line)
        description_text = flat[description[0] : description[1]] if description else ""
        span = title_span if description_elsewhere or not description else (title_span[0], description[1])
        task = _task(f"T{n}", line.text.strip(), description_text, span)
        for m, (title, first, last) in enumerate(children, 1):
            child_span = _span(first, last)
            body = flat[child_span[0] : child_span[1]]
            child_description = body[len(title) :].strip() if body.startswith(title) else ""
            task.children.append(_task(f"T{n}.{m}", title, child_description, child_span))
        result.append(task)
    return result


def _numbered(text):
    result = []
    for line in lines(text):
        top = _NUMBERED_TOP.match(line.text)
        child = _NUMBERED_CHILD.match(line.text)
        if top and not _PUNCT.search(top.group(1)[:-1]):
            result.append(_task(f"T{len(result) + 1}", top.group(1), "", _span(line, line)))
        elif child and result and not _PUNCT.search(child.group(1)[:-1]):
            parent = result[-1]
            parent.children.append(
                _task(f"{parent.code}.{len(parent.children) + 1}", child.group(1), "", _span(line, line))
            )
    return result if len(result) >= 2 else []


def find_tasks(text, flat):
    """The report's key tasks (``TaskDraft`` with children), or [] when it prints none."""
    return _infographic(text, flat) or _numbered(text)
