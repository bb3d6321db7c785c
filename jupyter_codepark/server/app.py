"""The CodePark server extension: configuration, services and routes."""

from __future__ import annotations

import os

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Enum, Int, Unicode, default

from .. import __version__
from ..analysis.executors import make_executor
from ..store import Store
from .events import EventHub
from .handlers import routes
from .health import Health
from .jobs import JobManager
from .results import ResultsCache

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
        self.settings.update({"codepark": self})
        self.log.info("CodePark %s: store %s", __version__, self.store.display_url)

    def initialize_handlers(self) -> None:
        self.handlers.extend(routes(NAMESPACE))

    async def stop_extension(self) -> None:
        if getattr(self, "jobs", None) is not None:
            await self.jobs.close()
        if getattr(self, "pool", None) is not None:
            self.pool.close()
        if getattr(self, "store", None) is not None:
            self.store.close()
