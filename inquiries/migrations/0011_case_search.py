"""Indexes for the case search (`inquiries.selectors_search`); see "Chinese search" in the README.

On PostgreSQL: pg_trgm, a GIN trigram index on the search document (words of 3+ characters),
and a GIN index of the document's two-character pieces as a 'simple' tsvector (2-character
words, too short for trigrams). The expressions must stay identical to `SearchDocument` and
`BigramMatch`, or the planner will not use the indexes. SQLite (development) gets only the
ordering index: there the search is a plain LIKE.

Building the GIN indexes takes a few minutes at a million cases and blocks writes to the case
table meanwhile: on a large production database, create them beforehand with
CREATE INDEX CONCURRENTLY (same names and expressions) and this migration skips them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

DOCUMENT = (
    "UPPER(subject || ' ' || content || ' ' || requester_name || ' ' || requester_unit"
    " || ' ' || number || ' ' || REPLACE(requester_phone, '-', ''))"
)

FORWARD = [
    # Overlapping two-character pieces, space-separated ("营业执照" → "营业 业执 执照"); only
    # built-in pg_catalog functions, so it is safe in an index whatever the search_path.
    """
    CREATE OR REPLACE FUNCTION firstask_search_bigrams(document text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(string_agg(substr(document, i, 2), ' '), '')
        FROM generate_series(1, char_length(document) - 1) AS i
    $$
    """,
    f"""
    CREATE INDEX IF NOT EXISTS inquiry_search_trgm ON inquiries_inquiry
    USING gin (({DOCUMENT}) gin_trgm_ops)
    """,
    f"""
    CREATE INDEX IF NOT EXISTS inquiry_search_bigram ON inquiries_inquiry
    USING gin ((to_tsvector('simple', firstask_search_bigrams({DOCUMENT}))))
    """,
]

BACKWARD = [
    "DROP INDEX IF EXISTS inquiry_search_bigram",
    "DROP INDEX IF EXISTS inquiry_search_trgm",
    "DROP FUNCTION IF EXISTS firstask_search_bigrams(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0010_notification_accountability"),
    ]

    operations = [
        # Newest first: the search (and any list by date) reads this index backwards and
        # stops after a page.
        migrations.AddIndex(
            model_name="inquiry",
            index=models.Index(fields=["received_at", "id"], name="inquiry_received"),
        ),
        TrigramExtension(),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
