"""Use cases of the members context: organisations, facilities, partnerships, CE targets, the audit log.

Tenant isolation lives here: every read and write checks the principal against the record's organisation.
Records another organisation may not see answer as *not found*, so their existence does not leak.

The modules of this package, one concept each, in one namespace for the entry points:
``organisations`` (the member register, profiles, the directory, the audit log), ``facilities``,
``partnerships`` and ``targets`` (CE targets, progress, obligations).
"""

from __future__ import annotations

from junkan.members.service.facilities import PRIVATE_FACILITY_FIELDS as PRIVATE_FACILITY_FIELDS
from junkan.members.service.facilities import (
    add_facility,
    delete_facility,
    get_facility,
    list_facilities,
    update_facility,
)
from junkan.members.service.facilities import facility_view as facility_view
from junkan.members.service.organisations import (
    audit_entries,
    get_org,
    list_orgs,
    member_directory,
    register_org,
    update_org,
)
from junkan.members.service.organisations import public_org as public_org
from junkan.members.service.partnerships import change_partnership, list_partnerships, request_partnership
from junkan.members.service.targets import (
    declare_target,
    list_targets,
    org_obligations,
    overdue_members,
    report_progress,
    set_target,
)

__all__ = [
    "add_facility",
    "audit_entries",
    "change_partnership",
    "declare_target",
    "delete_facility",
    "get_facility",
    "get_org",
    "list_facilities",
    "list_orgs",
    "list_partnerships",
    "list_targets",
    "member_directory",
    "org_obligations",
    "overdue_members",
    "register_org",
    "report_progress",
    "request_partnership",
    "set_target",
    "update_facility",
    "update_org",
]
