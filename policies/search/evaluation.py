"""How well the task suggester does against the curated links (``manage.py evaluate_suggestions``).

Leave-one-out: each commitment is scored by a model fitted without it, against a baseline that
ranks tasks by how many curated links they have.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from ..models import KeyTask
from .suggestions import TaskModel, load_training_data


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
        model = TaskModel.fit(tasks, documents, links, exclude_commitment_id=commitment_id)
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
