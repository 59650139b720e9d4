"""The search wing: everything made of jieba's words, behind this one interface.

The rest of the project (views, filters, admin, template tags, commands, services) imports from
``policies.search`` only, never from its submodules:

Searching (``querying``, ``word_matches``, ``highlighting``)
    search_commitments(queryset, query) -> queryset, ranked, annotated ``search_rank``
    ranked_matches(query) -> the ids of every commitment that matches, best first, from the index alone (one word: its stored row)
    admin_search(queryset, term) -> (queryset, may_have_duplicates), for ``get_search_results``
    query_terms(query) -> the words to highlight
    highlight(text, terms) -> safe HTML with <mark>; highlight_parts(text, terms) -> [(piece, is_match)]

The index (``indexing``): derived data, written only when asked
    index_commitments(ids, using=...) ; rebuild_index(using=...) -> count
    links_changed(commitment_ids=None, using=...)   curated links or key tasks changed: count them again
    stored_word_counts(using=...) ; word_counts_from_scratch(using=...)   the suggestions' counts, and what
        they should be (tests, and a check after writing around the services)
    stored_search_words(using=...) ; search_words_from_scratch(using=...)   each word's count and first
        matches, read by a search for that word alone (``word_matches``), and what they should be

Suggestions and keywords (``suggestions``, ``keywords``, ``evaluation``, ``tfidf``)
    suggest_tasks(text, *, limit, exclude_commitment_id) ; suggest_for_commitment(commitment, *, limit)
    suggest_among(tasks, texts, *, limit)   (tasks not in the database yet: a report's own headings)
    keywords_for_organization(organization, n) ; keywords_for_task(task, n) ; refresh_keywords(using=...)
    evaluate_leave_one_out() ; forget_fitted()   (drops this process's model: tests that write around the services)

Words (``segmentation``, the only module that imports jieba)
    tokenize(text) ; index_tokens(text) ; normalize(token) ; tag(text) -> [(word, flag)]
    warm_up() ; is_loaded() ; user_terms()

Nothing here writes on a model save: ``policies.invalidation`` calls the indexing and
``links_changed`` after the writes that need them have committed.
"""

from .evaluation import evaluate_leave_one_out
from .highlighting import highlight, highlight_parts
from .indexing import index_commitments, links_changed, rebuild_index
from .keywords import keywords_for_organization, keywords_for_task, refresh_keywords
from .querying import admin_search, query_terms, search_commitments
from .segmentation import index_tokens, is_loaded, normalize, tag, tokenize, user_terms, warm_up
from .suggestions import Suggestion, suggest_among, suggest_for_commitment, suggest_tasks
from .tfidf import forget_fitted
from .word_counts import counts_from_scratch as word_counts_from_scratch, stored_counts as stored_word_counts
from .word_matches import ranked_matches, stored_words as stored_search_words, words_from_scratch as search_words_from_scratch

__all__ = [
    "Suggestion",
    "admin_search",
    "evaluate_leave_one_out",
    "forget_fitted",
    "highlight",
    "highlight_parts",
    "index_commitments",
    "index_tokens",
    "is_loaded",
    "keywords_for_organization",
    "links_changed",
    "keywords_for_task",
    "normalize",
    "query_terms",
    "ranked_matches",
    "rebuild_index",
    "refresh_keywords",
    "search_commitments",
    "search_words_from_scratch",
    "stored_search_words",
    "stored_word_counts",
    "suggest_among",
    "suggest_for_commitment",
    "suggest_tasks",
    "tag",
    "tokenize",
    "user_terms",
    "warm_up",
    "word_counts_from_scratch",
]
