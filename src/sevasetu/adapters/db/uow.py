"""Unit of work: one connection, one transaction, the repositories bound to it."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine

from .engine import IMMEDIATE, writer_lock
from .repositories import (
    AccountRepository,
    AefiRepository,
    AreaRepository,
    AttestationRepository,
    AuditRepository,
    DueListRepository,
    FindingRepository,
    HouseholdRepository,
    IdempotencyRepository,
    LegacyStagingRepository,
    LinkageRepository,
    LotRepository,
    NotificationRepository,
    OtpRepository,
    PeopleRepository,
    PersonAttributeRepository,
    PregnancyRepository,
    PriorityRepository,
    ProofRepository,
    ReconciliationRepository,
    RevocationRepository,
    SchemeRepository,
    ServiceRecordRepository,
    SessionRepository,
    SigningKeyRepository,
    StockRepository,
    SurveyRepository,
    TokenRepository,
    UserRepository,
    VaccinationRepository,
    WhatsAppRepository,
)
from .repositories.hospital import EligibilityCardRepository, HospitalEventRepository
from .repositories.marriage import MarriageRepository
from .repositories.statistics import StatisticsRepository


class SqlUnitOfWork:
    """``with uow:`` opens a transaction; leaving without ``commit()`` rolls it back.

    ``write=True`` marks a read-then-write transaction: SQLite takes its write lock at BEGIN,
    and repositories lock the rows they read for update on PostgreSQL.
    """

    areas: AreaRepository
    people: PeopleRepository
    households: HouseholdRepository
    users: UserRepository
    accounts: AccountRepository
    tokens: TokenRepository
    otps: OtpRepository
    audit: AuditRepository
    idempotency: IdempotencyRepository
    vaccinations: VaccinationRepository
    sessions: SessionRepository
    notifications: NotificationRepository
    pregnancies: PregnancyRepository
    aefi: AefiRepository
    due_lists: DueListRepository
    lots: LotRepository
    stock: StockRepository
    signing_keys: SigningKeyRepository
    revocations: RevocationRepository
    whatsapp: WhatsAppRepository
    proofs: ProofRepository
    legacy_staging: LegacyStagingRepository
    linkage: LinkageRepository
    reconciliation: ReconciliationRepository
    attestations: AttestationRepository
    # the services ledger (docs/services-ledger.md)
    schemes: SchemeRepository
    person_attributes: PersonAttributeRepository
    service_records: ServiceRecordRepository
    benefit_findings: FindingRepository
    priority: PriorityRepository
    marriage: MarriageRepository  # the child-marriage check (docs/child-marriage.md)
    statistics: StatisticsRepository  # area statistics (docs/area-statistics.md)
    surveys: SurveyRepository  # household surveys (docs/surveys.md)
    # hospital continuity (docs/hospital-continuity.md)
    eligibility_cards: EligibilityCardRepository
    hospital_events: HospitalEventRepository

    def __init__(self, engine: Engine, *, write: bool = False) -> None:
        self.engine = engine
        self.write = write
        self.conn: Connection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        self._writer = writer_lock(self.engine) if self.write else None
        if self._writer is not None:
            self._writer.acquire()  # released in __exit__, after the commit or rollback
        try:
            conn = self.engine.connect()
        except BaseException:
            if self._writer is not None:
                self._writer.release()
            raise
        if self.write:
            conn = conn.execution_options(**{IMMEDIATE: True})
        conn.begin()
        self.conn = conn
        self.areas = AreaRepository(conn)
        self.people = PeopleRepository(conn)
        self.households = HouseholdRepository(conn)
        self.users = UserRepository(conn)
        self.accounts = AccountRepository(conn)
        self.tokens = TokenRepository(conn)
        self.otps = OtpRepository(conn)
        self.audit = AuditRepository(conn)
        self.idempotency = IdempotencyRepository(conn)
        self.vaccinations = VaccinationRepository(conn)
        self.sessions = SessionRepository(conn)
        self.notifications = NotificationRepository(conn)
        self.pregnancies = PregnancyRepository(conn)
        self.aefi = AefiRepository(conn)
        self.due_lists = DueListRepository(conn)
        self.lots = LotRepository(conn)
        self.stock = StockRepository(conn)
        self.signing_keys = SigningKeyRepository(conn)
        self.revocations = RevocationRepository(conn)
        self.whatsapp = WhatsAppRepository(conn)
        self.proofs = ProofRepository(conn)
        self.legacy_staging = LegacyStagingRepository(conn)
        self.linkage = LinkageRepository(conn)
        self.reconciliation = ReconciliationRepository(conn)
        self.attestations = AttestationRepository(conn)
        self.schemes = SchemeRepository(conn)
        self.person_attributes = PersonAttributeRepository(conn)
        self.service_records = ServiceRecordRepository(conn)
        self.benefit_findings = FindingRepository(conn)
        self.priority = PriorityRepository(conn)
        self.marriage = MarriageRepository(conn)
        self.statistics = StatisticsRepository(conn)
        self.surveys = SurveyRepository(conn)
        self.eligibility_cards = EligibilityCardRepository(conn)
        self.hospital_events = HospitalEventRepository(conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.conn is not None
        try:
            if self.conn.in_transaction():
                self.conn.rollback()
        finally:
            self.conn.close()
            self.conn = None
            if self._writer is not None:
                self._writer.release()

    def defer_durability(self) -> None:
        """For units whose only write is the audit entry of a read: PostgreSQL acknowledges the
        commit before its WAL reaches the disk, so readers do not queue behind each other's
        fsync on the chain head. A crash may lose the last fraction of a second of such
        entries, never the chain's integrity (entry and head commit together). SQLite in WAL
        mode with synchronous=NORMAL already behaves so."""
        assert self.conn is not None
        if self.conn.dialect.name == "postgresql":
            self.conn.exec_driver_sql("SET LOCAL synchronous_commit = off")

    def commit(self) -> None:
        assert self.conn is not None
        self.conn.commit()

    def rollback(self) -> None:
        assert self.conn is not None
        self.conn.rollback()
