"""Search for Japanese and English with core PostgreSQL only (docs/architecture.md section 7).

Each asset keeps one `tsvector` (GIN-indexed), built in Python when it is saved:
- Latin-script text goes through the 'english' configuration, so "partners" and
  "partner" (word forms) meet;
- Japanese text (kana, kanji, full-width letters) has no spaces, so each run of it is cut
  into overlapping character bigrams (the pg_bigm approach) and indexed with the 'simple'
  configuration. A bigram is written as an ASCII token (``jb`` + code points in hex) so no
  text-search parser or locale can split or fold it.

A Japanese query of two or more characters becomes "all of its bigrams" (served by the
GIN index) and is then re-checked with a plain substring match, exactly as pg_bigm
re-checks, so "営業資料" never matches a text that only has "営業" and "資料" far apart.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from content.models import Asset

# Hiragana, katakana (incl. the prolonged sound mark), CJK ideographs, half-width katakana,
# full-width Latin letters and digits.
CJK_CHARS = "\u3041-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'_-]*")
MAX_QUERY_LENGTH = 200


def bigram_token(pair: str) -> str:
    return "jb" + "".join(f"{ord(c):x}" for c in pair)


def unigram_token(char: str) -> str:
    return f"ju{ord(char):x}"


def cjk_tokens(text: str) -> list[str]:
    """Bigram tokens of every Japanese run; a one-character run gives a unigram token."""
    tokens = []
    for run in CJK_RUN.findall(text or ""):
        if len(run) == 1:
            tokens.append(unigram_token(run))
        tokens.extend(bigram_token(run[i : i + 2]) for i in range(len(run) - 1))
    return tokens


def latin_text(text: str) -> str:
    return " ".join(LATIN_WORD.findall(CJK_RUN.sub(" ", text or "")))


INDEX_BATCH = 1000
INDEX_SQL = """
UPDATE content_asset AS a
   SET search_vector =
         setweight(to_tsvector('english', d.lt), 'A') || setweight(to_tsvector('simple', d.ct), 'A')
      || setweight(to_tsvector('english', d.ls), 'B') || setweight(to_tsvector('simple', d.cs), 'B')
      || setweight(to_tsvector('english', d.lb), 'C') || setweight(to_tsvector('simple', d.cb), 'C')
  FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
       AS d(id, lt, ct, ls, cs, lb, cb)
 WHERE a.id = d.id
"""


def document(text: str) -> tuple[str, str]:
    """(Latin words for the 'english' config, Japanese bigram tokens for 'simple').
    NFKC first: full-width Latin and half-width katakana index like their usual forms."""
    text = unicodedata.normalize("NFKC", text or "")
    return latin_text(text), " ".join(cjk_tokens(text))


def index_assets(asset_ids) -> None:
    """Rebuild the search vectors of the given assets: title weighs A, summary and tags B,
    body C. The texts are prepared in Python; one UPDATE per batch of assets."""
    ids = list(asset_ids)
    for start in range(0, len(ids), INDEX_BATCH):
        batch = Asset.objects.filter(pk__in=ids[start : start + INDEX_BATCH]).prefetch_related("tags")
        columns = [[] for _ in range(7)]
        for asset in batch.only("pk", "title", "summary", "body"):
            tags = " ".join(t.name for t in asset.tags.all())
            values = [
                asset.pk,
                *document(asset.title),
                *document(f"{asset.summary} {tags}"),
                *document(asset.body),
            ]
            for column, value in zip(columns, values, strict=True):
                column.append(value)
        if columns[0]:
            with connection.cursor() as cursor:
                cursor.execute(INDEX_SQL, columns)


@dataclass
class ParsedQuery:
    text: str
    cjk_runs: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.cjk_runs or self.words)


def parse_query(text: str) -> ParsedQuery:
    text = unicodedata.normalize("NFKC", text or "").strip()[:MAX_QUERY_LENGTH]
    return ParsedQuery(
        text=text, cjk_runs=CJK_RUN.findall(text), words=LATIN_WORD.findall(CJK_RUN.sub(" ", text))
    )


def search_filter(parsed: ParsedQuery):
    """(SearchQuery | None, Q) for the parsed query: index match plus the substring re-check."""
    query = None
    recheck = Q()
    for run in parsed.cjk_runs:
        if len(run) >= 2:
            tokens = sorted({bigram_token(run[i : i + 2]) for i in range(len(run) - 1)})
            part = SearchQuery(" & ".join(tokens), config="simple", search_type="raw")
            query = part if query is None else query & part
        recheck &= Q(title__icontains=run) | Q(summary__icontains=run) | Q(body__icontains=run)
    if parsed.words:
        part = SearchQuery(" ".join(parsed.words), config="english", search_type="plain")
        query = part if query is None else query & part
    return query, recheck


def english_stems(words: list[str]) -> list[str]:
    """The stems PostgreSQL's english stemmer gives, for highlighting word forms."""
    if not words:
        return []
    return list(_english_stems(tuple(words)))


@functools.lru_cache(maxsize=1024)
def _english_stems(words: tuple[str, ...]) -> tuple[str, ...]:
    # The stemmer is fixed for the server's lifetime: a repeated search costs no query.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, (ts_lexize('english_stem', lower(w)))[1] FROM unnest(%s::text[]) AS w", [list(words)]
        )
        return tuple(
            sorted(
                {(stem or w.lower()) for w, stem in cursor.fetchall() if (stem or w)}, key=len, reverse=True
            )
        )


def highlight_pattern(parsed: ParsedQuery, stems: list[str]):
    alternatives = [re.escape(run) for run in sorted(parsed.cjk_runs, key=len, reverse=True)]
    alternatives += [rf"\b{re.escape(stem)}\w*" for stem in stems if stem]
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


def highlight(text: str, pattern, *, limit: int | None = None) -> str:
    """Escape the text, then wrap the matches in <mark> (matches found on the raw text).

    With `limit`, return a window of about that many characters around the first match.
    """
    text = text or ""
    if limit and len(text) > limit:
        start = 0
        if pattern is not None:
            m = pattern.search(text)
            if m and m.start() > limit // 3:
                start = m.start() - limit // 3
        text = ("…" if start else "") + text[start : start + limit] + "…"
    if pattern is None:
        return escape(text)
    out, pos = [], 0
    for m in pattern.finditer(text):
        if m.start() == m.end():
            continue
        out.append(escape(text[pos : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # every piece was escaped above
