"""Registry writes. Views, GraphQL, commands and tasks call these; nothing else writes."""
from .certificates import (
    Decision,
    certificate_record_decision,
    certificate_renew,
    certificate_revoke,
    decision_problems,
)
from .errors import RegistryError
from .expiry import expiry_sweep
from .imports import ImportReport, RowProblem, registry_import_file
from .producers import producer_get_or_create

__all__ = [
    "Decision",
    "ImportReport",
    "RegistryError",
    "RowProblem",
    "certificate_record_decision",
    "certificate_renew",
    "certificate_revoke",
    "decision_problems",
    "expiry_sweep",
    "producer_get_or_create",
    "registry_import_file",
]
