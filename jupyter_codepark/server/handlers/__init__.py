"""Routes of the CodePark REST API, one module per resource."""

from __future__ import annotations

from jupyter_server.utils import url_path_join

from .ai import (
    AIUsageHandler,
    ChatHandler,
    CompleteHandler,
    DocstringHandler,
    ExplainHandler,
    InsightsHandler,
    ReviewHandler,
)
from .analyses import AnalysesHandler, AnalysisHandler, RerunHandler
from .collab import (
    ActivityHandler,
    HintsHandler,
    NoteHandler,
    NoteRepliesHandler,
    NotesHandler,
    NotificationsHandler,
    PresenceHandler,
    SharedRunsHandler,
)
from .events import EventsHandler
from .repos import (
    AuthorsHandler,
    CityHandler,
    CouplingHandler,
    DiscoverHandler,
    FilesHandler,
    FoldersHandler,
    FunctionsHandler,
    HotspotsHandler,
    ReposHandler,
    SummaryHandler,
    TimelineHandler,
    TrendHandler,
)
from .run import RunHandler
from .search import SearchHandler, SearchIndexHandler
from .status import StatusHandler

JOB_ID = r"(?P<job_id>[0-9a-f-]{36})"
REPO_ID = r"(?P<repo_id>\d+)"
FILE_PATH = r"(?P<path>.+)"
NOTE_ID = r"(?P<note_id>\d+)"


def routes(namespace: str) -> list[tuple[str, type]]:
    """URL patterns (without the server's base URL, which Jupyter prepends) and handlers."""
    api = url_path_join("/", namespace, "api")
    repo = url_path_join(api, "repos", REPO_ID)
    return [
        (url_path_join(api, "status"), StatusHandler),
        (url_path_join(api, "run"), RunHandler),
        (url_path_join(api, "ai", "review"), ReviewHandler),
        (url_path_join(api, "ai", "explain"), ExplainHandler),
        (url_path_join(api, "ai", "docstring"), DocstringHandler),
        (url_path_join(api, "ai", "insights"), InsightsHandler),
        (url_path_join(api, "ai", "chat"), ChatHandler),
        (url_path_join(api, "ai", "usage"), AIUsageHandler),
        (url_path_join(api, "ai", "complete"), CompleteHandler),
        (url_path_join(api, "events"), EventsHandler),
        (url_path_join(api, "analyses"), AnalysesHandler),
        (url_path_join(api, "analyses", JOB_ID), AnalysisHandler),
        (url_path_join(api, "analyses", JOB_ID, "rerun"), RerunHandler),
        (url_path_join(api, "repos"), ReposHandler),
        (url_path_join(api, "repos", "discover"), DiscoverHandler),
        (url_path_join(repo, "summary"), SummaryHandler),
        (url_path_join(repo, "files"), FilesHandler),
        (url_path_join(repo, "files", FILE_PATH, "trend"), TrendHandler),
        (url_path_join(repo, "files", FILE_PATH, "functions"), FunctionsHandler),
        (url_path_join(repo, "hotspots"), HotspotsHandler),
        (url_path_join(repo, "coupling"), CouplingHandler),
        (url_path_join(repo, "authors"), AuthorsHandler),
        (url_path_join(repo, "timeline"), TimelineHandler),
        (url_path_join(repo, "folders"), FoldersHandler),
        (url_path_join(repo, "city"), CityHandler),
        (url_path_join(api, "presence"), PresenceHandler),
        (url_path_join(api, "activity"), ActivityHandler),
        (url_path_join(api, "notes"), NotesHandler),
        (url_path_join(api, "notes", NOTE_ID), NoteHandler),
        (url_path_join(api, "notes", NOTE_ID, "replies"), NoteRepliesHandler),
        (url_path_join(api, "notifications"), NotificationsHandler),
        (url_path_join(api, "hints"), HintsHandler),
        (url_path_join(api, "search"), SearchHandler),
        (url_path_join(api, "search", "index"), SearchIndexHandler),
        (url_path_join(api, "activity", "runs"), SharedRunsHandler),
    ]
