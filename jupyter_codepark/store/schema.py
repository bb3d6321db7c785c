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
