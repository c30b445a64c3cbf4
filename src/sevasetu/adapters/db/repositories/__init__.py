from .accounts import AccountRepository, OtpRepository, TokenRepository, UserRepository
from .aefi import AefiRepository
from .areas import AreaRepository
from .audit import AuditRepository
from .certificates import RevocationRepository, SigningKeyRepository
from .due_lists import DueListRepository
from .idempotency import IdempotencyRepository
from .lots import LotRepository
from .notifications import NotificationRepository
from .people import HouseholdRepository, PeopleRepository
from .pregnancies import PregnancyRepository
from .proofs import ProofRepository
from .sessions import SessionRepository
from .stock import StockRepository
from .vaccinations import VaccinationRepository
from .whatsapp import WhatsAppRepository

__all__ = [
    "AccountRepository",
    "AefiRepository",
    "AreaRepository",
    "AuditRepository",
    "DueListRepository",
    "HouseholdRepository",
    "IdempotencyRepository",
    "LotRepository",
    "NotificationRepository",
    "OtpRepository",
    "PeopleRepository",
    "SessionRepository",
    "PregnancyRepository",
    "ProofRepository",
    "RevocationRepository",
    "SigningKeyRepository",
    "StockRepository",
    "TokenRepository",
    "UserRepository",
    "VaccinationRepository",
    "WhatsAppRepository",
]
