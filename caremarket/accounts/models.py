from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council"
    NHS = "nhs", "NHS partner"
    CARE_HOME_PROVIDER = "care_home_provider", "Care home provider"
    HOME_CARE_PROVIDER = "home_care_provider", "Home care provider"


class Role(models.TextChoices):
    COUNCIL_ADMIN = "council_admin", "Council administrator"
    BROKER = "broker", "Broker (Service Placement Team)"
    CONTRACT_MANAGER = "contract_manager", "Contract manager (Live at Home team)"
    HEALTH_SEARCHER = "health_searcher", "Health searcher"
    PROVIDER_ADMIN = "provider_admin", "Provider administrator"
    PROVIDER_USER = "provider_user", "Provider user"


# Which roles each kind of organisation may hold: a care home cannot employ a broker.
ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    OrganisationKind.COUNCIL: (Role.COUNCIL_ADMIN, Role.BROKER, Role.CONTRACT_MANAGER),
    OrganisationKind.NHS: (Role.HEALTH_SEARCHER,),
    OrganisationKind.CARE_HOME_PROVIDER: (Role.PROVIDER_ADMIN, Role.PROVIDER_USER),
    OrganisationKind.HOME_CARE_PROVIDER: (Role.PROVIDER_ADMIN, Role.PROVIDER_USER),
}

COUNCIL_ROLES = frozenset({Role.COUNCIL_ADMIN, Role.BROKER, Role.CONTRACT_MANAGER})
PROVIDER_ROLES = frozenset({Role.PROVIDER_ADMIN, Role.PROVIDER_USER})


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    # ODS code for NHS bodies, CQC provider ID for providers, ONS code for councils.
    reference = models.CharField(max_length=40, blank=True, db_index=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    # Partners may see and book each other's Block rooms (e.g. the council and an ICB).
    partners = models.ManyToManyField("self", blank=True, symmetrical=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "kind", name="organisation_unique_name_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_provider(self) -> bool:
        return self.kind in (
            OrganisationKind.CARE_HOME_PROVIDER,
            OrganisationKind.HOME_CARE_PROVIDER,
        )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Sign-in ignores the case of the e-mail address.
        return self.get(email__iexact=(username or "").strip())

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        # Used by Django's own tooling only; the service layer uses accounts.services.user_create.
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.COUNCIL_ADMIN)
        if "organisation" not in extra and "organisation_id" not in extra:
            org, _ = Organisation.objects.get_or_create(
                name="Platform operators", kind=OrganisationKind.COUNCIL
            )
            extra["organisation"] = org
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Accounts are deactivated, never deleted, so an address is never reused."""

    email = models.EmailField("e-mail address", max_length=254, unique=True)
    full_name = models.CharField(max_length=150)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(max_length=32, choices=Role.choices)
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_unique_email_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_council(self) -> bool:
        return self.role in COUNCIL_ROLES

    @property
    def is_provider(self) -> bool:
        return self.role in PROVIDER_ROLES


class ApiToken(models.Model):
    """A per-user token for systems that call the API. Only a hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
