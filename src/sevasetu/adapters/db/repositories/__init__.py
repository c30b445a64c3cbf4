from .accounts import AccountRepository, OtpRepository, TokenRepository, UserRepository
from .areas import AreaRepository
from .audit import AuditRepository
from .idempotency import IdempotencyRepository
from .people import HouseholdRepository, PeopleRepository
from .vaccinations import VaccinationRepository

__all__ = [
    "AccountRepository",
    "AreaRepository",
    "AuditRepository",
    "HouseholdRepository",
    "IdempotencyRepository",
    "OtpRepository",
    "PeopleRepository",
    "TokenRepository",
    "UserRepository",
    "VaccinationRepository",
]
