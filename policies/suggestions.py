"""Which key tasks a text most likely serves, and the keywords of an organization or a task.

TF-IDF over jieba's words, cosine similarity. The corpus for IDF is every key task's title and
description plus every commitment's words (``SearchDocument.words``). A task's profile is its own
title and description plus the centroid of the commitments curated as serving it: most sub-items
are printed as a title only, and the officials' own words describe a task better than its heading.
Links accepted from suggestions are not used as evidence, so the model never learns from itself.

For staff (admin) and scripts:
    suggest_tasks(text, *, limit=5, exclude_commitment_id=None) -> [Suggestion(task, score)]
    suggest_for_commitment(commitment, *, limit=5) -> [Suggestion]   (tasks it is linked to left out)
    accept_suggestion(*, commitment, task) -> TaskLink(origin="suggested", score=…)
    suggest_among(tasks, texts, *, limit=5) -> [[(key, score)]]   (tasks not in the database yet)
For pages:
    keywords_for_organization(organization, n=8) -> [(word, weight)]
    keywords_for_task(task, n=8) -> [(word, weight)]   (the task's commitments, sub-items included)

The fitted model is cached per process. This process's own writes clear it (``policies.signals``);
other processes notice when the number or the newest id of documents, tasks or curated links
changes (small aggregate queries per call: one for keywords, three for suggestions). An edit made
by another process that changes only a text is picked up at the next such change or on restart;
it moves IDF weights very little.
"""

import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max

from . import segmentation
from .models import Commitment, KeyTask, LinkOrigin, SearchDocument, TaskLink

# How much a task's printed title and description count against the centroid of its commitments.
TITLE_WEIGHT = 1.0
MIN_KEYWORD_LENGTH = 2
KEYWORD_STOP_WORDS_FILE = segmentation.DATA_DIR / "keyword_stopwords.txt"


def _tokens(text):
    # Sub-words too: 科技创新平台 should meet 创新平台 and 科技 (it lifts P@1 from 0.39 to 0.54, see README).
    return segmentation.expand(segmentation.tokenize(text))


@dataclass(frozen=True)
class Suggestion:
    task: KeyTask
    score: float


class TfIdf:
    """IDF from a list of token lists; vectors are sublinear TF × IDF, L2-normalised dicts."""

    def __init__(self, documents):
        self.size = len(documents)
        self.df = Counter()
        for tokens in documents:
            self.df.update(set(tokens))

    def idf(self, token):
        # Smoothed so that a word absent from the corpus still counts (as the rarest).
        return math.log((1 + self.size) / (1 + self.df.get(token, 0))) + 1.0

    def weights(self, tokens):
        counts = Counter(tokens)
        return {t: (1.0 + math.log(c)) * self.idf(t) for t, c in counts.items()}

    def vector(self, tokens):
        return _normalised(self.weights(tokens))


def _normalised(weights):
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def _add(target, vector, factor=1.0):
    for t, w in vector.items():
        target[t] = target.get(t, 0.0) + factor * w


def cosine(a, b):
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


class TaskModel:
    """Task profiles fitted on plain data, so that evaluation can fit it without one commitment.

    ``tasks``: [(task_id, title_and_description)], ``documents``: {commitment_id: [tokens]},
    ``links``: [(commitment_id, task_id)] curated.
    """

    def __init__(self, tasks, documents, links, *, exclude_commitment_id=None):
        documents = {cid: toks for cid, toks in documents.items() if cid != exclude_commitment_id}
        task_tokens = {task_id: _tokens(text) for task_id, text in tasks}
        self.tfidf = TfIdf([*task_tokens.values(), *documents.values()])
        self.task_ids = [task_id for task_id, _ in tasks]
        self.members = defaultdict(list)
        for commitment_id, task_id in links:
            if commitment_id in documents and task_id in task_tokens:
                self.members[task_id].append(commitment_id)
        self.member_vectors = {
            cid: self.tfidf.vector(documents[cid]) for linked in self.members.values() for cid in linked
        }
        self.title_vectors = {task_id: self.tfidf.vector(task_tokens[task_id]) for task_id in self.task_ids}
        self.profiles = {task_id: self._profile(task_id) for task_id in self.task_ids}

    def _profile(self, task_id, without=None):
        profile = {}
        _add(profile, self.title_vectors[task_id], TITLE_WEIGHT)
        linked = [cid for cid in self.members.get(task_id, []) if cid != without]
        for commitment_id in linked:
            _add(profile, self.member_vectors[commitment_id], 1.0 / len(linked))
        return _normalised(profile)

    def rank(self, tokens, *, without_commitment_id=None):
        """[(task_id, score)] best first; ties keep the tasks' printed order.

        ``without_commitment_id``: profiles rebuilt without that commitment's curated links, so a
        saved commitment is not judged by its own text (the IDF still counts it; a full refit,
        as ``evaluate_leave_one_out`` does, costs a pass over every document).
        """
        profiles = self.profiles
        if without_commitment_id in self.member_vectors:
            profiles = dict(profiles)
            for task_id, linked in self.members.items():
                if without_commitment_id in linked:
                    profiles[task_id] = self._profile(task_id, without=without_commitment_id)
        vector = self.tfidf.vector(tokens)
        scored = [(task_id, cosine(vector, profiles[task_id])) for task_id in self.task_ids]
        return sorted(scored, key=lambda pair: -pair[1])


# Loading and caching ---------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cache = {}


def _documents_fingerprint():
    docs = SearchDocument.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (docs["n"], docs["last"])


def _model_fingerprint():
    links = TaskLink.objects.filter(origin=LinkOrigin.CURATED).aggregate(n=Count("pk"), last=Max("pk"))
    tasks = KeyTask.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (*_documents_fingerprint(), links["n"], links["last"], tasks["n"], tasks["last"])


def load_training_data():
    """(tasks, documents, links) as TaskModel takes them, in three queries."""
    tasks = [
        (pk, f"{title}\n{description}")
        for pk, title, description in KeyTask.objects.order_by("order", "pk").values_list(
            "pk", "title", "description"
        )
    ]
    documents = {
        cid: segmentation.expand(words.split())
        for cid, words in SearchDocument.objects.order_by("pk").values_list("commitment_id", "words")
    }
    links = list(
        TaskLink.objects.filter(origin=LinkOrigin.CURATED).order_by("pk").values_list("commitment_id", "task_id")
    )
    return tasks, documents, links


def _cached(name, build, fingerprint):
    key = fingerprint()
    with _cache_lock:
        hit = _cache.get(name)
        if hit and hit[0] == key:
            return hit[1]
    value = build()
    with _cache_lock:
        _cache[name] = (key, value)
    return value


def _task_model():
    return _cached("tasks", lambda: TaskModel(*load_training_data()), _model_fingerprint)


def clear_cache():
    """Forget the fitted model; ``policies.signals`` calls it when this process writes what it is fitted on."""
    with _cache_lock:
        _cache.clear()


# Suggestions -------------------------------------------------------------------------------------


def suggest_tasks(text, *, limit=5, exclude_commitment_id=None):
    """Key tasks and sub-items most similar to ``text``, best first, only those with a score above 0."""
    tokens = _tokens(text)
    if not tokens:
        return []
    ranked = _task_model().rank(tokens, without_commitment_id=exclude_commitment_id)
    ranked = [(task_id, score) for task_id, score in ranked if score > 0][:limit]
    tasks = KeyTask.objects.select_related("parent").in_bulk([task_id for task_id, _ in ranked])
    return [Suggestion(tasks[task_id], round(score, 4)) for task_id, score in ranked if task_id in tasks]


def suggest_for_commitment(commitment, *, limit=5):
    """Suggestions for a saved commitment, leaving out the tasks it is already linked to.

    Its own text is left out of the task profiles, so a curated link does not vouch for itself.
    """
    linked = set(commitment.links.values_list("task_id", flat=True))
    suggestions = suggest_tasks(
        f"{commitment.summary}\n{commitment.quote}", limit=limit + len(linked), exclude_commitment_id=commitment.pk
    )
    return [s for s in suggestions if s.task.pk not in linked][:limit]


def suggest_among(tasks, texts, *, limit=5):
    """For tasks that are not in the database (a report's own headings): ``tasks`` is
    [(key, title_and_description)]; for each of ``texts``, the best keys [(key, score)] with a score
    above 0. IDF counts these tasks and every commitment's words; no curated links exist for them
    yet, so a task's profile is its own text. One fit for all texts."""
    _, documents, _ = load_training_data()
    model = TaskModel(tasks, documents, [])
    result = []
    for text in texts:
        tokens = _tokens(text)
        ranked = model.rank(tokens) if tokens else []
        result.append([(key, round(score, 4)) for key, score in ranked if score > 0][:limit])
    return result


@transaction.atomic
def accept_suggestion(*, commitment, task):
    """Link ``commitment`` to ``task`` as a suggestion staff accepted, with the score recomputed here."""
    if TaskLink.objects.filter(commitment=commitment, task=task).exists():
        raise ValidationError({"task": "该承诺事项已关联这项重点任务。"})
    scores = {s.task.pk: s.score for s in suggest_tasks(
        f"{commitment.summary}\n{commitment.quote}", limit=KeyTask.objects.count(), exclude_commitment_id=commitment.pk
    )}
    link = TaskLink(commitment=commitment, task=task, origin=LinkOrigin.SUGGESTED, score=scores.get(task.pk, 0.0))
    link.full_clean()
    link.save()
    return link


# Keywords --------------------------------------------------------------------------------------


def _corpus_idf():
    return _cached(
        "idf",
        lambda: TfIdf([words.split() for words in SearchDocument.objects.values_list("words", flat=True)]),
        _documents_fingerprint,
    )


@lru_cache(maxsize=1)
def keyword_stop_words():
    lines = KEYWORD_STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _keywords(commitments, n):
    tfidf = _corpus_idf()
    hidden = keyword_stop_words()
    tokens = []
    for words in SearchDocument.objects.filter(commitment__in=commitments).values_list("words", flat=True):
        tokens.extend(w for w in words.split() if len(w) >= MIN_KEYWORD_LENGTH and not w.isdigit() and w not in hidden)
    weights = tfidf.weights(tokens)
    top = sorted(weights.items(), key=lambda pair: (-pair[1], pair[0]))[:n]
    if not top:
        return []
    highest = top[0][1]
    return [(word, round(weight / highest, 3)) for word, weight in top]


def keywords_for_organization(organization, n=8):
    """The organization's top words over its commitments: [(word, weight 0-1, the first is 1)]."""
    return _keywords(Commitment.objects.filter(organization=organization), n)


def keywords_for_task(task, n=8):
    """The top words of the commitments linked to ``task`` or its sub-items: [(word, weight 0-1)]."""
    return _keywords(Commitment.objects.under_task(task), n)


# Evaluation ------------------------------------------------------------------------------------


@dataclass
class Scores:
    """Sums over commitments; ``precision_at_1`` etc. are the means."""

    count: int = 0
    hits_at_1: float = 0.0
    precision_at_3_sum: float = 0.0
    recall_at_3_sum: float = 0.0

    def add(self, ranked, gold):
        top3 = set(ranked[:3])
        self.count += 1
        self.hits_at_1 += 1.0 if ranked and ranked[0] in gold else 0.0
        self.precision_at_3_sum += len(top3 & gold) / 3
        self.recall_at_3_sum += len(top3 & gold) / len(gold)

    def means(self):
        if not self.count:
            return (0.0, 0.0, 0.0)
        return (self.hits_at_1 / self.count, self.precision_at_3_sum / self.count, self.recall_at_3_sum / self.count)


def evaluate_leave_one_out():
    """Score every commitment with curated links, each time fitting without that commitment.

    Returns ``{"tasks": {top_task_code: (model Scores, baseline Scores)}, "overall": (model, baseline),
    "in_sample_baseline": Scores}``.
    The baseline ranks tasks by how many curated links they have, also counted without the
    commitment being scored. Every commitment counts under each top-level task it is linked to
    (directly or through a sub-item); overall counts it once.
    """
    tasks, documents, links = load_training_data()
    task_rows = {t.pk: t for t in KeyTask.objects.select_related("parent")}
    task_order = [task_id for task_id, _ in tasks]
    gold = defaultdict(set)
    for commitment_id, task_id in links:
        gold[commitment_id].add(task_id)
    overall = (Scores(), Scores())
    per_task = defaultdict(lambda: (Scores(), Scores()))
    # For reference only: the baseline allowed to count the scored commitment's own links.
    in_sample = Scores()
    all_frequency = Counter(task_id for _, task_id in links)
    in_sample_ranking = sorted(task_order, key=lambda task_id: -all_frequency[task_id])
    for commitment_id in sorted(gold):
        if commitment_id not in documents:
            continue
        model = TaskModel(tasks, documents, links, exclude_commitment_id=commitment_id)
        ranked = [task_id for task_id, _ in model.rank(documents[commitment_id])]
        frequency = Counter(task_id for cid, task_id in links if cid != commitment_id)
        baseline = sorted(task_order, key=lambda task_id: -frequency[task_id])
        tops = {(task_rows[t].parent or task_rows[t]).code for t in gold[commitment_id]}
        for scores in (overall, *(per_task[code] for code in tops)):
            scores[0].add(ranked, gold[commitment_id])
            scores[1].add(baseline, gold[commitment_id])
        in_sample.add(in_sample_ranking, gold[commitment_id])
    order = {t.code: (t.order, t.pk) for t in task_rows.values()}
    return {
        "tasks": dict(sorted(per_task.items(), key=lambda kv: order[kv[0]])),
        "overall": overall,
        "in_sample_baseline": in_sample,
    }
