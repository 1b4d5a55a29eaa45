"""Chinese full-text search on the database backends (PORTAL-4).

PostgreSQL's parser and SQLite's FTS5 ``unicode61`` tokenizer both split text
on spaces and punctuation only, so a run of Chinese such as 县委组织部干部考核办法
is one token and a search for 考核 finds nothing. We do what Lucene's CJK
analyser does: index every character and every pair of neighbouring
characters (bigrams) of each Chinese run, and turn a query's Chinese runs into
their bigrams, all of which must match. This needs no dictionary, so it also
finds names of people and places that a word segmenter (jieba) would cut
wrongly, and it behaves the same on SQLite and PostgreSQL.

``CJKSearchField`` does the indexing side for a model field; the search
backend in ``search/backends.py`` does the query side.
"""

import re

from wagtail.search import index

# CJK Unified Ideographs, Extension A and compatibility ideographs.
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def cjk_tokens(text: str) -> list[str]:
    """Unigrams and bigrams of every Chinese run in ``text``, in order."""
    tokens: list[str] = []
    for run in _CJK_RUN.findall(text or ""):
        tokens.extend(run)
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


def cjk_index_text(text: str) -> str:
    """The text to store in the index: the original, then its Chinese tokens."""
    tokens = cjk_tokens(text)
    if not tokens:
        return text or ""
    return f"{text} {' '.join(tokens)}"


def cjk_query_text(query: str) -> str:
    """Rewrite a query so each Chinese run becomes the bigrams that must all match.

    A single character stays as it is (it matches the indexed unigram);
    other words are kept unchanged.
    """

    def bigrams(match: re.Match) -> str:
        run = match.group(0)
        if len(run) == 1:
            return run
        return " ".join(run[i : i + 2] for i in range(len(run) - 1))

    return " ".join(_CJK_RUN.sub(lambda m: f" {bigrams(m)} ", query or "").split())


class CJKSearchField(index.SearchField):
    """A ``SearchField`` whose indexed value carries Chinese unigrams and bigrams."""

    def get_value(self, obj):
        value = super().get_value(obj)
        if value is None:
            return None
        return cjk_index_text(str(value))


class CJKAutocompleteField(index.AutocompleteField):
    def get_value(self, obj):
        value = super().get_value(obj)
        if value is None:
            return None
        return cjk_index_text(str(value))


_WORD_SPLIT = re.compile(r"[\s,，、;；。.!！?？:：\"'“”‘’()（）《》<>【】\[\]]+")


def search_words(query: str, *, limit: int = 8) -> list[str]:
    """The words of a search box's text: split on spaces and punctuation, Chinese or not.

    For fields matched by ``icontains`` (short names such as goals'): each word must occur
    as it was typed, so 干部考核 finds 干部考核办法 but not 干部培训与考核, the same whole-phrase
    rule as the full-text search's bigrams.
    """
    words = [word for word in _WORD_SPLIT.split(query or "") if word]
    return list(dict.fromkeys(words))[:limit]
