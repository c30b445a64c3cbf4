from .accounts import AccountRepository, OtpRepository, TokenRepository, UserRepository
from .aefi import AefiRepository
from .areas import AreaRepository
from .audit import AuditRepository
from .benefit_findings import FindingRepository
from .certificates import RevocationRepository, SigningKeyRepository
from .due_lists import DueListRepository
from .idempotency import IdempotencyRepository
from .legacy_staging import LegacyStagingRepository
from .linkage import LinkageRepository
from .lots import LotRepository
from .notifications import NotificationRepository
from .people import HouseholdRepository, PeopleRepository
from .pregnancies import PregnancyRepository
from .priority import PriorityRepository
from .proofs import ProofRepository
from .reconciliation import AttestationRepository, ReconciliationRepository
from .schemes import PersonAttributeRepository, SchemeRepository
from .service_records import ServiceRecordRepository
from .sessions import SessionRepository
from .stock import StockRepository
from .surveys import SurveyRepository
from .vaccinations import VaccinationRepository
from .whatsapp import WhatsAppRepository

__all__ = [
    "AccountRepository",
    "AefiRepository",
    "AreaRepository",
    "AttestationRepository",
    "AuditRepository",
    "DueListRepository",
    "FindingRepository",
    "HouseholdRepository",
    "IdempotencyRepository",
    "LegacyStagingRepository",
    "LinkageRepository",
    "LotRepository",
    "NotificationRepository",
    "OtpRepository",
    "PeopleRepository",
    "PersonAttributeRepository",
    "PriorityRepository",
    "SessionRepository",
    "PregnancyRepository",
    "ProofRepository",
    "ReconciliationRepository",
    "RevocationRepository",
    "SchemeRepository",
    "ServiceRecordRepository",
    "SigningKeyRepository",
    "StockRepository",
    "SurveyRepository",
    "TokenRepository",
    "UserRepository",
    "VaccinationRepository",
    "WhatsAppRepository",
]
