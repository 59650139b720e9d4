"""Which key tasks a text most likely serves: TF-IDF over jieba's words, cosine similarity.

The corpus for IDF is every key task's title and description plus every commitment's words
(``SearchDocument.words``). A task's profile is its own title and description plus the centroid of
the commitments curated as serving it: most sub-items are printed as a title only, and the
officials' own words describe a task better than its heading. Links accepted from suggestions are
not used as evidence, so the model never learns from itself.

    suggest_tasks(text, *, limit=5, exclude_commitment_id=None) -> [Suggestion(task, score)]
    suggest_for_commitment(commitment, *, limit=5) -> [Suggestion]   (tasks it is linked to left out)
    suggest_among(tasks, texts, *, limit=5) -> [[(key, score)]]   (tasks not in the database yet)

Accepting a suggestion is a write: ``policies.services.accept_suggestion``. The fitted model is
cached per process (see ``tfidf``): three small aggregate queries per call check it is current;
fitting it reads the documents twice, in chunks (IDF, then the task centroids).
"""

from collections import defaultdict
from itertools import chain
from dataclasses import dataclass

from django.db.models import Count, Max

from ..models import KeyTask, LinkOrigin, SearchDocument, TaskLink
from . import segmentation
from .tfidf import TfIdf, add, cached, cosine, normalised

# How much a task's printed title and description count against the centroid of its commitments.
TITLE_WEIGHT = 1.0


def _tokens(text):
    # Sub-words too: 科技创新平台 should meet 创新平台 and 科技 (it lifts P@1 from 0.39 to 0.54, see README).
    return segmentation.expand(segmentation.tokenize(text))


@dataclass(frozen=True)
class Suggestion:
    task: KeyTask
    score: float


class TaskModel:
    """Task profiles fitted on plain data, so that evaluation can fit it without one commitment.

    ``tasks``: [(task_id, title_and_description)], ``documents``: {commitment_id: [tokens]} or a
    function that yields (commitment_id, tokens) each time it is called (read twice: IDF, then the
    centroids), ``links``: [(commitment_id, task_id)] curated.

    Kept in memory: IDF, and per task the sum and count of its commitments' vectors; not the
    documents nor one vector per commitment (at 100,000 commitments those made a worker 600 MB).
    """

    def __init__(self, tasks, documents, links, *, exclude_commitment_id=None):
        read = documents.items if isinstance(documents, dict) else documents
        task_tokens = {task_id: _tokens(text) for task_id, text in tasks}
        self.tfidf = TfIdf(chain(
            task_tokens.values(), (toks for cid, toks in read() if cid != exclude_commitment_id)
        ))
        self.task_ids = [task_id for task_id, _ in tasks]
        linked = defaultdict(list)
        for commitment_id, task_id in links:
            if task_id in task_tokens and commitment_id != exclude_commitment_id:
                linked[commitment_id].append(task_id)
        self.sums, self.counts = defaultdict(dict), defaultdict(int)
        for commitment_id, tokens in read():
            if commitment_id in linked and commitment_id != exclude_commitment_id:
                vector = self.tfidf.vector(tokens)
                for task_id in linked[commitment_id]:
                    add(self.sums[task_id], vector)
                    self.counts[task_id] += 1
        self.title_vectors = {task_id: self.tfidf.vector(task_tokens[task_id]) for task_id in self.task_ids}
        self.profiles = {task_id: self._profile(task_id) for task_id in self.task_ids}

    def _profile(self, task_id, without=None):
        """Title, plus the centroid of the task's commitments (less ``without``, a member's vector)."""
        profile = {}
        add(profile, self.title_vectors[task_id], TITLE_WEIGHT)
        n = self.counts.get(task_id, 0) - (1 if without is not None else 0)
        if n > 0:
            add(profile, self.sums[task_id], 1.0 / n)
            if without is not None:
                add(profile, without, -1.0 / n)
                # A word only ``without`` had is left as rounding dust, not a weight to match on.
                profile = {t: w for t, w in profile.items() if abs(w) > 1e-12}
        return normalised(profile)

    def rank(self, tokens, *, without=None):
        """[(task_id, score)] best first; ties keep the tasks' printed order.

        ``without``: (document tokens, curated task ids) of a commitment counted in the fit; the
        profiles of those tasks are rebuilt without it, so a saved commitment is not judged by its
        own text (the IDF still counts it; a full refit, as ``evaluate_leave_one_out`` does, costs a
        pass over every document).
        """
        profiles = self.profiles
        if without is not None:
            own_tokens, task_ids = without
            profiles = dict(profiles)
            own = self.tfidf.vector(own_tokens)
            for task_id in task_ids:
                if task_id in profiles:
                    profiles[task_id] = self._profile(task_id, without=own)
        vector = self.tfidf.vector(tokens)
        scored = [(task_id, cosine(vector, profiles[task_id])) for task_id in self.task_ids]
        return sorted(scored, key=lambda pair: -pair[1])


def documents_fingerprint():
    docs = SearchDocument.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (docs["n"], docs["last"])


def _model_fingerprint():
    links = TaskLink.objects.filter(origin=LinkOrigin.CURATED).aggregate(n=Count("pk"), last=Max("pk"))
    tasks = KeyTask.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (*documents_fingerprint(), links["n"], links["last"], tasks["n"], tasks["last"])


def _task_rows():
    return [
        (pk, f"{title}\n{description}")
        for pk, title, description in KeyTask.objects.order_by("order", "pk").values_list(
            "pk", "title", "description"
        )
    ]


def _curated_links():
    return list(
        TaskLink.objects.filter(origin=LinkOrigin.CURATED).order_by("pk").values_list("commitment_id", "task_id")
    )


def _document_tokens(words):
    return segmentation.expand(words.split())


def stream_documents():
    """(commitment id, tokens) of every search document, read in chunks: never all in memory."""
    rows = SearchDocument.objects.order_by("pk").values_list("commitment_id", "words")
    for commitment_id, words in rows.iterator(chunk_size=2000):
        yield commitment_id, _document_tokens(words)


def load_training_data():
    """(tasks, documents, links) as TaskModel takes them, in three queries, every document in memory."""
    return _task_rows(), dict(stream_documents()), _curated_links()


def _task_model():
    return cached("tasks", lambda: TaskModel(_task_rows(), stream_documents, _curated_links()), _model_fingerprint)


def suggest_tasks(text, *, limit=5, exclude_commitment_id=None):
    """Key tasks and sub-items most similar to ``text``, best first, only those with a score above 0."""
    tokens = _tokens(text)
    if not tokens:
        return []
    model = _task_model()
    without = None
    if exclude_commitment_id is not None:
        # Counted in the fit only with a document and curated links: then its own vector comes out.
        words = SearchDocument.objects.filter(pk=exclude_commitment_id).values_list("words", flat=True).first()
        links = TaskLink.objects.filter(commitment=exclude_commitment_id, origin=LinkOrigin.CURATED)
        task_ids = list(links.values_list("task_id", flat=True)) if words is not None else []
        if task_ids:
            without = (_document_tokens(words), task_ids)
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
    _, documents, _ = load_training_data()
    model = TaskModel(tasks, documents, [])
    result = []
    for text in texts:
        tokens = _tokens(text)
        ranked = model.rank(tokens) if tokens else []
        result.append([(key, round(score, 4)) for key, score in ranked if score > 0][:limit])
    return result
