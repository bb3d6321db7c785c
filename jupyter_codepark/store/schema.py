"""Tables of the CodePark store (SQLAlchemy Core; the same schema on SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# Store-wide facts: the schema version lives here.
meta = Table(
    "codepark_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# One row per repository path analysed.
repos = Table(
    "repos",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("path", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    # The head whose history is fully mined into `commits`/`changes` and folded into `repo_state`.
    Column("mined_head", String(64)),
    Column("mined_seq", Integer),  # commits rows with seq below this belong to mined_head
    Column("mined_since", Text),
    Column("analysed_head", String(64)),
    Column("analysed_rev", Text),
    Column("branch", Text),
    Column("analysed_at", Float),
    Column("summary", Text),  # JSON: counts and bus factor of the last analysis
)

commits = Table(
    "commits",
    metadata,
    Column("repo_id", Integer, ForeignKey("repos.id", ondelete="CASCADE"), primary_key=True),
    Column("sha", String(64), primary_key=True),
    Column("seq", Integer, nullable=False),  # order of mining (oldest first)
    Column("parents", Text, nullable=False),  # space separated
    Column("author_name", Text, nullable=False),
    Column("author_email", Text, nullable=False),
    Column("author_time", BigInteger, nullable=False),
    Column("author_tz", Integer, nullable=False),
    Column("committer_time", BigInteger, nullable=False),
    Column("subject", Text, nullable=False),
    Column("is_merge", Boolean, nullable=False),
)
Index("ix_commits_repo_seq", commits.c.repo_id, commits.c.seq)

changes = Table(
    "changes",
    metadata,
    Column("repo_id", Integer, ForeignKey("repos.id", ondelete="CASCADE"), nullable=False),
    Column("sha", String(64), nullable=False),
    Column("path", Text, nullable=False),
    Column("old_path", Text),
    Column("status", String(2), nullable=False),
    Column("added", Integer),
    Column("deleted", Integer),
    Column("binary", Boolean, nullable=False),
    Column("blob", String(64)),
)
Index("ix_changes_repo_sha", changes.c.repo_id, changes.c.sha)
Index("ix_changes_repo_path", changes.c.repo_id, changes.c.path)

# Code metrics cached by blob, shared by every repository (a blob is its content).
blob_metrics = Table(
    "blob_metrics",
    metadata,
    Column("blob", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("path_ext", String(16), primary_key=True),  # the language depends on the file name
    Column("data", Text, nullable=False),  # JSON of FileMetrics
)

# The history fold of a repository at `repos.mined_head` (compressed pickle), for incremental runs.
repo_state = Table(
    "repo_state",
    metadata,
    Column("repo_id", Integer, ForeignKey("repos.id", ondelete="CASCADE"), primary_key=True),
    Column("head", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# Tables of the last analysis of each repository (one JSON document per kind: files, authors,
# coupling, timeline, folders, functions), read whole and kept in memory by readers.
results = Table(
    "results",
    metadata,
    Column("repo_id", Integer, ForeignKey("repos.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("data", Text, nullable=False),
)

analyses = Table(
    "analyses",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("repo_path", Text, nullable=False),
    Column("repo_id", Integer, ForeignKey("repos.id", ondelete="SET NULL")),
    Column("rev", Text),
    Column("since", Text),
    Column("head", String(64)),
    Column("options", Text, nullable=False, default="{}"),
    Column("state", String(16), nullable=False),
    Column("phase", String(32)),
    Column("done", Integer, nullable=False, default=0),
    Column("total", Integer),
    Column("error", Text),
    Column("user", Text),
    Column("created_at", Float, nullable=False),
    Column("started_at", Float),
    Column("finished_at", Float),
)
Index("ix_analyses_created", analyses.c.created_at)

# -- collaboration (jupyter_codepark.collab) ----------------------------------------------------

# Review notes anchored to code. `line`/`end_line`/`snippet` are the last known place and text
# of the anchored lines (1-based, inclusive); `anchor` is JSON of pycrdt sticky indexes on the
# live document they were made on (with that document's guid), null when there is none.
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("path", Text, nullable=False),  # relative to the server root, '/'-separated
    Column("cell_id", Text),  # notebook cell, null for a plain file
    Column("author", Text, nullable=False),
    Column("author_name", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("state", String(16), nullable=False),  # open | resolved
    Column("outdated", Boolean, nullable=False, default=False),
    Column("line", Integer, nullable=False),
    Column("end_line", Integer, nullable=False),
    Column("snippet", Text, nullable=False),
    Column("anchor", Text),
    Column("file_sig", Text),  # size:mtime_ns of the file on disk when last anchored from disk
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("resolved_by", Text),
    Column("resolved_at", Float),
)
Index("ix_notes_path", notes.c.path)

note_replies = Table(
    "note_replies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("note_id", Integer, ForeignKey("notes.id", ondelete="CASCADE"), nullable=False),
    Column("author", Text, nullable=False),
    Column("author_name", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)
Index("ix_note_replies_note", note_replies.c.note_id)

# @mentions and other messages for one user.
notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user", Text, nullable=False),  # the recipient's username
    Column("kind", String(32), nullable=False),
    Column("actor", Text),
    Column("note_id", Integer),
    Column("reply_id", Integer),
    Column("path", Text),
    Column("line", Integer),
    Column("excerpt", Text),
    Column("created_at", Float, nullable=False),
    Column("read", Boolean, nullable=False, default=False),
)
Index("ix_notifications_user", notifications.c.user, notifications.c.created_at)

# Who did what where (never typed content): file.opened/edited/saved, note.*, analysis.finished.
activity = Table(
    "activity",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("time", Float, nullable=False),
    Column("user", Text),
    Column("kind", String(32), nullable=False),
    Column("path", Text),
    Column("line", Integer),
    Column("end_line", Integer),
    Column("data", Text),  # JSON: note id, analysis id, number of edits...
)
Index("ix_activity_time", activity.c.time)
Index("ix_activity_path", activity.c.path)

# -- AI help (jupyter_codepark.ai) --------------------------------------------------------------

# Answers by sha256 of (task, backend and model, hash of the inputs, analysed head); read only
# while younger than the server's TTL.
ai_cache = Table(
    "ai_cache",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("task", String(16), nullable=False),
    Column("backend", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("data", Text, nullable=False),  # JSON of the task's record
)
Index("ix_ai_cache_created", ai_cache.c.created_at)

# One row per answered AI request: who, which task, cache hit or not, tokens and estimated cost.
ai_usage = Table(
    "ai_usage",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user", Text, nullable=False),
    Column("task", String(16), nullable=False),
    Column("backend", Text, nullable=False),
    Column("at", Float, nullable=False),
    Column("cached", Boolean, nullable=False),
    Column("prompt_tokens", Integer, nullable=False, default=0),
    Column("completion_tokens", Integer, nullable=False, default=0),
    Column("cost_usd", Float, nullable=False, default=0.0),
)
Index("ix_ai_usage_user_at", ai_usage.c.user, ai_usage.c.at)

# -- semantic search (jupyter_codepark.ai.search) -----------------------------------------------

# A source (a blob or a commit, by sha) indexed by one embedding model and chunk recipe: the row
# says it is done, even when it gave no chunk, so it is never read or embedded again.
search_sources = Table(
    "search_sources",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("model", String(96), primary_key=True),
    Column("chunks", Integer, nullable=False),
)

# The chunks of a source (functions, classes, the file itself, a commit message) and their
# embeddings: float16, L2-normalised. `text_sha` lets an identical text elsewhere reuse the vector.
search_chunks = Table(
    "search_chunks",
    metadata,
    Column("source", String(64), primary_key=True),
    Column("model", String(96), primary_key=True),
    Column("chunk", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # function | method | class | file | commit
    Column("name", Text, nullable=False),  # qualified name; a commit's subject
    Column("line", Integer),
    Column("end_line", Integer),
    Column("text_sha", String(40), nullable=False),
    Column("vector", LargeBinary, nullable=False),
)
Index("ix_search_chunks_text", search_chunks.c.model, search_chunks.c.text_sha)
