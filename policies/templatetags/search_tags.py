"""{% load search_tags %} … {{ commitment.summary|highlight:terms }}, terms from search.query_terms(q)."""

from django import template

from policies import search

register = template.Library()


@register.filter
def highlight(text, terms):
    return search.highlight(text, terms or [])
