"""The service packages keep one namespace for the entry points: pinned names, one object per name."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

FACADES = {
    "junkan.trace.service": {
        "FORMATS",
        "ImportReport",
        "Recorded",
        "can_read_org",
        "create_checkpoint",
        "event_view",
        "export_dte",
        "get_event",
        "get_import",
        "get_lot",
        "import_events",
        "iter_events_payloads",
        "list_checkpoints",
        "list_events",
        "list_imports",
        "list_lots",
        "list_trades",
        "provenance",
        "record_events",
        "record_in_tx",
        "verify_ledger",
    },
    "junkan.custody.service": {
        "SCHEME",
        "account_view",
        "certificate_view",
        "claim",
        "close",
        "close_all",
        "credit",
        "get_account",
        "get_certificate",
        "get_claim",
        "issue_certificate",
        "list_accounts",
        "list_certificates",
        "list_claims",
        "retire_certificate",
        "statement",
        "statement_view",
        "transfer",
        "transfer_certificate",
    },
    "junkan.passports.service": {
        "SHAPE",
        "Graph",
        "PassportView",
        "PreconditionFailed",
        "check_passport_id",
        "check_shape",
        "create_draft",
        "diff_versions",
        "digital_link",
        "edit_draft",
        "explain",
        "get_passport",
        "issuers",
        "list_passports",
        "load_graph",
        "lookup_gtin",
        "new_version",
        "publish",
        "top_audience",
        "versions",
        "viewer_audiences",
        "withdraw",
    },
    "junkan.members.service": {
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
    },
}


@pytest.mark.parametrize("package", sorted(FACADES))
def test_facade_exports_the_pinned_names(package: str) -> None:
    facade = importlib.import_module(package)
    assert set(facade.__all__) == FACADES[package]
    for name in facade.__all__:
        assert hasattr(facade, name), f"{package}.{name}"


@pytest.mark.parametrize("package", sorted(FACADES))
def test_every_module_of_a_service_package_says_what_it_holds(package: str) -> None:
    facade = importlib.import_module(package)
    owners: dict[str, str] = {}
    for info in pkgutil.iter_modules(facade.__path__):
        module = importlib.import_module(f"{package}.{info.name}")
        assert (module.__doc__ or "").strip(), f"{module.__name__} has no docstring"
        assert isinstance(getattr(module, "__all__", None), list), f"{module.__name__} has no __all__"
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"
            if name in facade.__all__:
                # the façade re-exports the defining module's object, never a copy
                assert getattr(facade, name) is getattr(module, name), f"{package}.{name}"
                owners.setdefault(name, module.__name__)
    missing = set(facade.__all__) - set(owners)
    assert not missing, f"names of {package} that no module of the package exports: {sorted(missing)}"
