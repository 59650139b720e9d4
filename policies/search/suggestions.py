"""Which key tasks a text most likely serves: TF-IDF over jieba's words, cosine similarity.

The corpus for IDF is every key task's title and description plus every commitment's words
(``SearchDocument.words``). A task's profile is its own title and description plus, at equal weight,
the words of the commitments curated as serving it: each word weighted by how many of them contain it
times its IDF. Most sub-items are printed as a title only, and the officials' own words describe a task
better than its heading. Links accepted from suggestions are not used as evidence, so the model never
learns from itself.

    suggest_tasks(text, *, limit=5, exclude_commitment_id=None) -> [Suggestion(task, score)]
    suggest_for_commitment(commitment, *, limit=5) -> [Suggestion]   (tasks it is linked to left out)
    suggest_among(tasks, texts, *, limit=5) -> [[(key, score)]]   (tasks not in the database yet)

Accepting a suggestion is a write: ``policies.services.accept_suggestion``. Everything the model needs
is counted when the index or the links are written (``word_counts``: whole numbers of documents, kept in
step one commitment at a time); a process reads those few thousand rows when their version changed and
keeps the model in memory (``tfidf.cached``), so no request ever passes over every document.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS

from ..choices import LinkOrigin
from ..models import KeyTask, SearchDocument, TaskLink
from . import segmentation, word_counts
from .tfidf import TfIdf, add, cached, cosine, normalised

# How much a task's printed title and description count against its commitments' words (each part has
# length 1 before they are added).
TITLE_WEIGHT = 1.0


def _tokens(text):
    # Sub-words too: 科技创新平台 should meet 创新平台 and 科技 (it lifts P@1 from 0.39 to 0.54, see README).
    return segmentation.expand(segmentation.tokenize(text))


@dataclass(frozen=True)
class Suggestion:
    task: KeyTask
    score: float


class TaskModel:
    """Task profiles from counts (``word_counts.Counts``): stored ones, or counted from plain data by
    ``fit``, so that evaluation can fit it without one commitment.

    ``tasks``: [(task_id, title_and_description)]. IDF counts the tasks' texts and every counted document.
    """

    def __init__(self, tasks, counts):
        task_tokens = {task_id: _tokens(text) for task_id, text in tasks}
        df = defaultdict(int, counts.corpus)
        for tokens in task_tokens.values():
            for token in set(tokens):
                df[token] += 1
        self.tfidf = TfIdf.from_counts(counts.documents + len(task_tokens), df)
        self.task_ids = [task_id for task_id, _ in tasks]
        self.task_words = counts.tasks
        self.title_vectors = {task_id: self.tfidf.vector(task_tokens[task_id]) for task_id in self.task_ids}
        self.profiles = {task_id: self._profile(task_id) for task_id in self.task_ids}

    @classmethod
    def fit(cls, tasks, documents, links, *, exclude_commitment_id=None):
        """``documents``: {commitment_id: [tokens]}, ``links``: [(commitment_id, task_id)] curated."""
        return cls(tasks, word_counts.counts_of(documents, links, exclude_commitment_id=exclude_commitment_id))

    def _profile(self, task_id, without=()):
        """Title, plus its commitments' words (less the words ``without``, one member's)."""
        words = self.task_words.get(task_id, {})
        if without:
            words = {word: n - (word in without) for word, n in words.items()}
        commitments = normalised({word: n * self.tfidf.idf(word) for word, n in words.items() if n > 0})
        profile = {}
        add(profile, self.title_vectors[task_id], TITLE_WEIGHT)
        add(profile, commitments)
        return normalised(profile)

    def rank(self, tokens, *, without=None):
        """[(task_id, score)] best first; ties keep the tasks' printed order.

        ``without``: (words, curated task ids) of a commitment counted in the fit; the profiles of
        those tasks are rebuilt without it, so a saved commitment is not judged by its own text
        (the IDF still counts it).
        """
        profiles = self.profiles
        if without is not None:
            own_words, task_ids = without
            own_words = set(own_words)
            profiles = dict(profiles)
            for task_id in task_ids:
                if task_id in profiles:
                    profiles[task_id] = self._profile(task_id, without=own_words)
        vector = self.tfidf.vector(tokens)
        scored = [(task_id, cosine(vector, profiles[task_id])) for task_id in self.task_ids]
        return sorted(scored, key=lambda pair: -pair[1])


def _task_rows(using=DEFAULT_DB_ALIAS):
    return [
        (pk, f"{title}\n{description}")
        for pk, title, description in KeyTask.objects.using(using).order_by("order", "pk").values_list(
            "pk", "title", "description"
        )
    ]


def _task_model(using=DEFAULT_DB_ALIAS):
    # Current while the counts' version and the tasks' own texts are: a task added or edited by any
    # path (a shell, another process) is seen at once, and reading a few dozen titles costs less than
    # counting them would.
    tasks = _task_rows(using)
    return cached(
        ("tasks", using),
        lambda: TaskModel(tasks, word_counts.stored_counts(using)),
        lambda: (word_counts.version(using), tuple(tasks)),
    )


def _document_tokens(words):
    return segmentation.expand(words.split())


def load_training_data():
    """(tasks, documents, links) as ``TaskModel.fit`` takes them, every document in memory (evaluation)."""
    rows = SearchDocument.objects.order_by("pk").values_list("commitment_id", "words")
    documents = {pk: _document_tokens(words) for pk, words in rows.iterator(chunk_size=2000)}
    links = TaskLink.objects.filter(origin=LinkOrigin.CURATED).order_by("pk").values_list("commitment_id", "task_id")
    return _task_rows(), documents, list(links)


def suggest_tasks(text, *, limit=5, exclude_commitment_id=None):
    """Key tasks and sub-items most similar to ``text``, best first, only those with a score above 0."""
    tokens = _tokens(text)
    if not tokens:
        return []
    model = _task_model()
    # Counted in the fit with its words and curated links: those come out of its tasks' profiles.
    without = word_counts.counted(exclude_commitment_id) if exclude_commitment_id is not None else None
    ranked = model.rank(tokens, without=without)
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
    counts = word_counts.stored_counts()
    counts.tasks = {}
    model = TaskModel(tasks, counts)
    result = []
    for text in texts:
        tokens = _tokens(text)
        ranked = model.rank(tokens) if tokens else []
        result.append([(key, round(score, 4)) for key, score in ranked if score > 0][:limit])
    return result
