"""Wagtail's database search backend, taught to read Chinese queries.

Indexing is done by ``kaohe.core.cjk.CJKSearchField`` (every Chinese
character and bigram is stored as its own word). Here a query's Chinese runs
are turned into the same bigrams, all of which must match, so 考核 finds
县委组织部干部考核办法 on SQLite (FTS5) and PostgreSQL alike.

Configure with ``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends"}}``.
"""

from functools import cache

from modelsearch.query import And, Not, Or, Phrase, PlainText
from wagtail.search.backends.database import SearchBackend as database_backend

from kaohe.core.cjk import cjk_query_text, cjk_tokens


def cjk_rewrite_query(query):
    """Return the query with its Chinese text rewritten into bigrams."""
    if isinstance(query, str):
        return cjk_query_text(query)
    if isinstance(query, PlainText):
        rewritten = cjk_query_text(query.query_string)
        # Bigrams of one word must all be present, whatever operator was asked.
        operator = "and" if cjk_tokens(query.query_string) else query.operator
        return PlainText(rewritten, operator=operator, boost=query.boost)
    if isinstance(query, Phrase):
        return Phrase(cjk_query_text(query.query_string))
    if isinstance(query, (And, Or)):
        return type(query)([cjk_rewrite_query(sub) for sub in query.subqueries])
    if isinstance(query, Not):
        return Not(cjk_rewrite_query(query.subquery))
    return query


class CJKQueryMixin:
    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        if isinstance(query, str) and cjk_tokens(query) and not kwargs.get("operator"):
            kwargs["operator"] = "and"
        return super()._search(query_compiler_class, cjk_rewrite_query(query), model_or_queryset, **kwargs)


@cache
def _cjk_backend_class(base_class):
    return type(f"CJK{base_class.__name__}", (CJKQueryMixin, base_class), {})


def SearchBackend(params):  # noqa: N802 (Wagtail looks the backend up by this name)
    """The database backend Wagtail would pick for this database, with Chinese queries."""
    base = database_backend(params)
    return _cjk_backend_class(type(base))(params)
