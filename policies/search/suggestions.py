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
cached per process (see ``tfidf``): three small aggregate queries per call check it is current.
"""

from collections import defaultdict
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
        add(profile, self.title_vectors[task_id], TITLE_WEIGHT)
        linked = [cid for cid in self.members.get(task_id, []) if cid != without]
        for commitment_id in linked:
            add(profile, self.member_vectors[commitment_id], 1.0 / len(linked))
        return normalised(profile)

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


def documents_fingerprint():
    docs = SearchDocument.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (docs["n"], docs["last"])


def _model_fingerprint():
    links = TaskLink.objects.filter(origin=LinkOrigin.CURATED).aggregate(n=Count("pk"), last=Max("pk"))
    tasks = KeyTask.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (*documents_fingerprint(), links["n"], links["last"], tasks["n"], tasks["last"])


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


def _task_model():
    return cached("tasks", lambda: TaskModel(*load_training_data()), _model_fingerprint)


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
