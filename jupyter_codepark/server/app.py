"""The CodePark server extension: configuration, services and routes."""

from __future__ import annotations

import os

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Enum, Float, Int, Type, Unicode, default

from .. import __version__
from ..analysis.executors import make_executor
from ..collab import CollabService, CollabSettings, HintSettings
from ..collab.service import AWARENESS_EVENTS, SESSION_EVENTS
from ..sandbox.run import RunService, run_settings
from ..store import Store
from .ai_setup import make_ai_service
from .events import EventHub
from .handlers import routes
from .health import Health
from .jobs import JobManager
from .results import ResultsCache
from .search import SearchService

NAMESPACE = "codepark"


class CodeParkApp(ExtensionApp):
    """Analyse repositories, show them and work on them together, from JupyterLab."""

    name = "codepark"
    version = __version__
    load_other_extensions = True

    store_url = Unicode(
        "",
        config=True,
        help="""SQLAlchemy URL of the CodePark store. Empty (the default) means an embedded SQLite
        file `codepark.sqlite` in the Jupyter data directory. Use
        `postgresql+psycopg://user:password@host/db` for a store shared by a team.""",
    )

    @default("store_url")
    def _default_store_url(self) -> str:
        env = os.environ.get("CODEPARK_STORE_URL")
        if env:
            return env
        path = os.path.join(jupyter_data_dir(), "codepark", "codepark.sqlite")
        return f"sqlite:///{path}"

    executor = Enum(
        ["process", "thread", "dask"],
        default_value="process",
        config=True,
        help="Where CPU-heavy analysis work runs: a local process pool, threads, or Dask.",
    )
    executor_workers = Int(
        0,
        config=True,
        help="Workers of the local pool; 0 means one per CPU core.",
    )
    dask_scheduler_address = Unicode(
        "",
        config=True,
        help="Address of a Dask distributed scheduler (tcp://host:8786) used when executor='dask'.",
    )
    max_concurrent_jobs = Int(
        2, config=True, help="Analyses that may run at the same time; the others queue."
    )
    max_file_size_kb = Int(
        1024,
        config=True,
        help="Files bigger than this are not measured (their error says so); history still counts.",
    )
    git_timeout_s = Int(
        3600, config=True, help="A git command running longer than this is stopped."
    )
    sandbox_enabled = Bool(
        True,
        config=True,
        help="Offer sandboxed execution (bubblewrap) when the machine supports it.",
    )
    # -- sandboxed runs (POST /codepark/api/run) ----------------------------------------
    sandbox_memory_mb = Int(
        512, config=True, help="Memory each sandboxed run may use, children included (MiB)."
    )
    sandbox_cpu_percent = Int(
        100, config=True, help="CPU share of each sandboxed run, in percent of one core."
    )
    sandbox_pids_max = Int(
        128,
        config=True,
        help="Processes and threads a sandboxed run may have at once (a fork bomb stops here).",
    )
    run_timeout_s = Float(
        10.0, config=True, help="Default and maximum time of a run; a longer run is stopped."
    )
    run_pool_size = Int(
        2, config=True, help="Sandboxed kernels kept warm for runs (started on the first run)."
    )
    run_max_concurrent = Int(2, config=True, help="Runs executing at once; the others queue.")
    run_max_queued = Int(8, config=True, help="Runs that may wait; beyond that, 429.")
    run_rate_per_minute = Int(
        30, config=True, help="Runs a user may start a minute (bursts up to as many); 0: no limit."
    )
    run_max_code_kb = Int(64, config=True, help="Largest snippet accepted by the run API (KiB).")
    run_max_output_kb = Int(
        1024, config=True, help="Output a run may produce before it is stopped (KiB)."
    )
    ai_model = Unicode(
        "",
        config=True,
        help="""litellm model id used by CodePark's AI help (for example `openai/gpt-4o-mini`).
        Empty means the offline engine, which needs no key and no network.""",
    )
    ai_api_base = Unicode(
        "",
        config=True,
        help="Base URL of an OpenAI-compatible server for `ai_model` (e.g. a local llama.cpp).",
    )
    ai_backend_class = Type(
        default_value=None,
        allow_none=True,
        klass="jupyter_codepark.ai.backends.AIBackend",
        config=True,
        help="""Who writes AI answers: a subclass of jupyter_codepark.ai.backends.AIBackend. Unset
        (the default): LiteLLMBackend when a model is configured (`ai_model`, else jupyter-ai's
        Jupyternaut model), else OfflineBackend (no key, no network, deterministic).""",
    )
    ai_timeout_s = Float(
        60.0, config=True, help="A model call with no answer (or no new text) for this long: 504."
    )
    ai_cache_ttl_s = Float(
        86400.0,
        config=True,
        help="AI answers are cached in the store for this long (by task, model, input and "
        "analysed head); 0 turns the cache off.",
    )
    ai_rate_per_minute = Int(
        20,
        config=True,
        help="AI requests per user and task a minute (bursts up to as many); 0: no limit.",
    )
    ai_max_input_kb = Int(
        256, config=True, help="Largest file, editor text or diff the AI tasks accept (KiB)."
    )
    ai_docstring_style = Enum(
        ["numpy", "google"],
        default_value="numpy",
        config=True,
        help="Style of generated docstrings.",
    )
    search_batch_size = Int(
        16,
        config=True,
        help="""Texts embedded per call of the search model while indexing; progress and the
        store advance batch by batch.""",
    )
    search_max_commits = Int(
        1000,
        config=True,
        help="Commit messages searched per repository: the newest this many (merges left out).",
    )
    ai_complete_rate_per_minute = Int(
        120,
        config=True,
        help="""Inline completions per user a minute (bursts up to as many); 0: no limit. Only
        served with a language model (`ai_model`); the offline engine answers 409.""",
    )

    # -- collaboration (presence, activity, notes, hints) -----------------------------------
    presence_interval_s = Float(
        0.1,
        config=True,
        help="""Presence changes (joins, cursors, edits) are pushed on the events WebSocket at most
        this often; changes in between are coalesced into the next push. A change after a quiet
        spell is pushed at once; under continuous typing a push carries every change of the
        interval.""",
    )
    presence_idle_after_s = Float(
        120.0,
        config=True,
        help="A user with no edit or cursor move for this long is shown idle in presence.",
    )
    activity_window_s = Float(
        30.0,
        config=True,
        help="""Edits (and saves) of one user in one file within this window are recorded as one
        activity row with the range of lines touched.""",
    )
    activity_retention_days = Float(
        90.0,
        config=True,
        help="Activity older than this is deleted from the store (checked hourly); 0 keeps it all.",
    )
    hint_min_degree = Float(
        30.0, config=True, help="Coupling degree (%) a file needs to be hinted as a co-change."
    )
    hint_min_shared = Int(
        3, config=True, help="Commits a file must share with the edited one to be hinted."
    )
    hint_max_files = Int(5, config=True, help="Coupled files shown per hint at most.")
    hint_session_h = Float(
        8.0,
        config=True,
        help="""A file edited in a room within this many hours counts as touched in the editing
        session and is no longer hinted.""",
    )

    def initialize_settings(self) -> None:
        self.root_dir = os.path.realpath(self.serverapp.root_dir)
        self.store = Store(self.store_url)
        self.health = Health(self)
        self.hub = EventHub()
        # the pool starts its workers on first use, not at server start
        self.pool = make_executor(self.executor, self.executor_workers, self.dask_scheduler_address)
        self.jobs = JobManager(
            self.store,
            self.pool,
            self.hub,
            self.root_dir,
            max_concurrent=self.max_concurrent_jobs,
            log=self.log,
        )
        self.results = ResultsCache(self.store, self.root_dir)
        self.run_service = self._make_run_service()
        self.ai = make_ai_service(self)
        self.search = SearchService(
            self.store,
            batch_size=self.search_batch_size,
            max_commits=self.search_max_commits,
            max_file_bytes=self.max_file_size_kb * 1024,
            log=self.log,
        )
        self.collab = self._make_collab()
        self.settings.update({"codepark": self})
        self.log.info("CodePark %s: store %s", __version__, self.store.display_url)

    def _make_collab(self) -> CollabService:
        """Presence, activity, notes and hints over jupyter-collaboration's rooms; it starts on
        the first collaboration event or request (or at server start)."""
        settings = CollabSettings(
            presence_interval_s=self.presence_interval_s,
            idle_after_s=self.presence_idle_after_s,
            activity_window_s=self.activity_window_s,
            activity_retention_days=self.activity_retention_days,
            hint_session_s=self.hint_session_h * 3600,
            hints=HintSettings(self.hint_min_degree, self.hint_min_shared, self.hint_max_files),
        )
        collab = CollabService(
            self.store,
            self.root_dir,
            self.hub,
            self.serverapp.web_app.settings,  # read by ServerApp.last_activity()
            self.results.get,
            settings,
            log=self.log,
        )
        for schema_id in (AWARENESS_EVENTS, SESSION_EVENTS):
            self.serverapp.event_logger.add_listener(
                schema_id=schema_id, listener=collab.on_collab_event
            )
        return collab

    async def _start_jupyter_server_extension(self, serverapp) -> None:  # noqa: ANN001
        await self.collab.ready()

    def _make_run_service(self) -> RunService | None:
        """The run API's service; it starts no kernel until the first run."""
        if not self.sandbox_enabled:
            return None
        settings = run_settings(
            memory_mb=self.sandbox_memory_mb,
            cpu_percent=self.sandbox_cpu_percent,
            pids_max=self.sandbox_pids_max,
            timeout_s=self.run_timeout_s,
            pool_size=self.run_pool_size,
            max_concurrent=self.run_max_concurrent,
            max_queued=self.run_max_queued,
            rate_per_minute=self.run_rate_per_minute,
            max_code_kb=self.run_max_code_kb,
            max_output_kb=self.run_max_output_kb,
        )
        return RunService(settings, log=self.log)

    def initialize_handlers(self) -> None:
        self.handlers.extend(routes(NAMESPACE))

    async def stop_extension(self) -> None:
        if getattr(self, "search", None) is not None:
            await self.search.close()
        if getattr(self, "collab", None) is not None:
            await self.collab.close()
        if getattr(self, "run_service", None) is not None:
            await self.run_service.close()
        if getattr(self, "jobs", None) is not None:
            await self.jobs.close()
        if getattr(self, "pool", None) is not None:
            self.pool.close()
        if getattr(self, "store", None) is not None:
            self.store.close()
