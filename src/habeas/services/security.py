"""Security use cases, named in one place for the command line: users, the audit log, keys, backups, publishing.

Each lives in its own module; this one only gathers their names.
"""

from __future__ import annotations

from habeas.services.audit_log import (
    IN_FLIGHT_PAUSES,
    UNSIGNED_AT_MOST,
    Anchor,
    AuditCheck,
    audit_log,
    check_chain,
    export_checkpoints,
    read_anchor,
    verify_audit,
)
from habeas.services.backups import BackupResult, backup, restore
from habeas.services.keys import RotationResult, rotate_keys
from habeas.services.publishing import (
    DAY_BANDS,
    IN_CUSTODY,
    NO_PROOF,
    UNCERTAIN_BAND,
    days_band,
    publication_tables,
    publish,
)
from habeas.services.users import add_user, change_password, deactivate_user, reset_second_factor

__all__ = [
    "DAY_BANDS",
    "IN_CUSTODY",
    "IN_FLIGHT_PAUSES",
    "NO_PROOF",
    "UNCERTAIN_BAND",
    "UNSIGNED_AT_MOST",
    "Anchor",
    "AuditCheck",
    "BackupResult",
    "RotationResult",
    "add_user",
    "audit_log",
    "backup",
    "change_password",
    "check_chain",
    "days_band",
    "deactivate_user",
    "export_checkpoints",
    "publication_tables",
    "publish",
    "read_anchor",
    "reset_second_factor",
    "restore",
    "rotate_keys",
    "verify_audit",
]
