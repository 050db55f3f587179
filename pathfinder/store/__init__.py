"""Progress store: SQLite by default, PostgreSQL when hosted; every function takes an Engine.

The app creates one engine per process (resolve_database_url -> create_store_engine),
calls migrate() once, then passes the engine to these functions.
"""

from pathfinder.entities import CASE_STUDY_STATUSES, RATING_KINDS, STATUSES, Target
from pathfinder.store.activity import (
    activity_log,
    activity_per_day,
    activity_per_week,
    rebuild_activity_counts,
)
from pathfinder.store.case_studies import (
    CaseStudy,
    create_case_study,
    delete_case_study,
    get_case_study,
    list_case_studies,
    save_case_study,
)
from pathfinder.store.config import resolve_database_url
from pathfinder.store.engine import (
    check_store_url,
    create_store_engine,
    describe_location,
    read_only,
    reading,
    without_password,
    writing,
)
from pathfinder.store.errors import (
    CaseStudyNotFound,
    ChangedElsewhere,
    InvalidInput,
    ReadOnlyIdentity,
    StoreConfigError,
    StoreUnavailable,
)
from pathfinder.store.migrate import (
    HEAD_REVISION,
    SchemaState,
    current_revision,
    migrate,
    schema_state,
)
from pathfinder.store.profiles import ensure_profile, local_profile_id, profile_key_problem
from pathfinder.store.progress import (
    reset_all,
    reset_plan,
    save_note,
    set_links,
    set_status,
    set_statuses,
    step_progress,
)
from pathfinder.store.ratings import (
    get_target,
    latest_ratings,
    rate,
    rating_history,
    set_target,
)
from pathfinder.store.schema import LOCAL_ISSUER, LOCAL_SUBJECT
from pathfinder.store.share_links import (
    ShareGrant,
    create_share_link,
    list_share_links,
    record_share_use,
    resolve_share_token,
    revoke_share_link,
    set_case_study_shared,
    shared_case_studies,
)
from pathfinder.store.transfer import export_profile, import_profile

__all__ = [
    "CASE_STUDY_STATUSES",
    "HEAD_REVISION",
    "LOCAL_ISSUER",
    "LOCAL_SUBJECT",
    "RATING_KINDS",
    "STATUSES",
    "CaseStudy",
    "CaseStudyNotFound",
    "ChangedElsewhere",
    "InvalidInput",
    "ReadOnlyIdentity",
    "SchemaState",
    "ShareGrant",
    "StoreConfigError",
    "StoreUnavailable",
    "Target",
    "activity_log",
    "activity_per_day",
    "activity_per_week",
    "check_store_url",
    "create_case_study",
    "create_share_link",
    "create_store_engine",
    "current_revision",
    "delete_case_study",
    "describe_location",
    "ensure_profile",
    "export_profile",
    "get_case_study",
    "get_target",
    "import_profile",
    "latest_ratings",
    "list_case_studies",
    "list_share_links",
    "local_profile_id",
    "migrate",
    "profile_key_problem",
    "rate",
    "rating_history",
    "read_only",
    "reading",
    "rebuild_activity_counts",
    "record_share_use",
    "reset_all",
    "reset_plan",
    "resolve_database_url",
    "resolve_share_token",
    "revoke_share_link",
    "save_case_study",
    "save_note",
    "schema_state",
    "set_case_study_shared",
    "set_links",
    "set_status",
    "set_statuses",
    "set_target",
    "shared_case_studies",
    "step_progress",
    "without_password",
    "writing",
]
