"""Book-and-claim (ISO 22095:2020 clause 5.6): certificates traded separately from the physical material.

A certificate stands for a mass of material with a characteristic produced in a period. The register issues
it to a holder, lets only the current holder transfer it, and retires it for a beneficiary's claim; a
retired certificate can never be transferred or retired again (no double counting). Certificates are not
split: issue them in the unit they are traded in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from junkan.custody.model import Characteristic, Period
from junkan.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation

__all__ = ["Certificate", "CertificateRegister", "RegisterEntry"]


@dataclass(frozen=True, slots=True)
class Certificate:
    id: str
    issuer: str
    holder: str
    grams: int
    characteristic: Characteristic
    material_group: str
    production_period: Period
    event_ids: tuple[str, ...] = ()
    retired_for: str | None = None
    retired_at: datetime | None = None

    @property
    def retired(self) -> bool:
        return self.retired_at is not None


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """One line of the register's history: issue, transfer or retire."""

    certificate: str
    action: str
    by: str
    to: str
    time: datetime


@dataclass(slots=True)
class CertificateRegister:
    certificates: dict[str, Certificate] = field(default_factory=dict)
    history: list[RegisterEntry] = field(default_factory=list)

    def get(self, certificate_id: str) -> Certificate:
        cert = self.certificates.get(certificate_id)
        if cert is None:
            raise NotFound(
                f"no certificate '{certificate_id}'; check the id",
                code="certificate_not_found",
                field="certificate_id",
            )
        return cert

    def issue(self, certificate: Certificate, *, time: datetime) -> Certificate:
        if certificate.grams <= 0:
            raise InvalidInput(
                "a certificate must stand for a positive mass", code="not_positive", field="grams"
            )
        known = self.certificates.get(certificate.id)
        if known is not None:
            # A replayed issue is a no-op even after the certificate moved on or was retired.
            if replace(known, holder=certificate.holder, retired_for=None, retired_at=None) == certificate:
                return known
            raise Conflict(
                f"certificate id '{certificate.id}' is taken; use a new id",
                code="certificate_id_reused",
                field="id",
            )
        self.certificates[certificate.id] = certificate
        self.history.append(
            RegisterEntry(certificate.id, "issue", certificate.issuer, certificate.holder, time)
        )
        return certificate

    def _usable_by(self, certificate_id: str, holder: str, action: str) -> Certificate:
        cert = self.get(certificate_id)
        if cert.retired:
            raise RuleViolation(
                f"certificate '{certificate_id}' was retired for {cert.retired_for} on "
                f"{cert.retired_at.isoformat() if cert.retired_at else ''}; it cannot be {action} again",
                code="already_retired",
                field="certificate_id",
            )
        if cert.holder != holder:
            raise PermissionDenied(
                f"only the current holder ({cert.holder}) can have certificate '{certificate_id}' {action}",
                code="not_holder",
                field="holder",
            )
        return cert

    def transfer(self, certificate_id: str, *, holder: str, to: str, time: datetime) -> Certificate:
        cert = self._usable_by(certificate_id, holder, "transferred")
        if to == holder:
            raise InvalidInput("transfer to another organisation", code="self_transfer", field="to")
        cert = replace(cert, holder=to)
        self.certificates[certificate_id] = cert
        self.history.append(RegisterEntry(certificate_id, "transfer", holder, to, time))
        return cert

    def retire(self, certificate_id: str, *, holder: str, beneficiary: str, time: datetime) -> Certificate:
        cert = self._usable_by(certificate_id, holder, "retired")
        cert = replace(cert, retired_for=beneficiary, retired_at=time)
        self.certificates[certificate_id] = cert
        self.history.append(RegisterEntry(certificate_id, "retire", holder, beneficiary, time))
        return cert
