from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import HubspotSubscriptionStatus, OrganizationRole


class OrganizationWhere(BaseModel):
    """Selects organizations."""

    id: Optional[str] = None
    user: Optional["UserWhere"] = None
    "Only the organization of the user this selects (the official SDK sends an email here)."


class UserWhere(BaseModel):
    """Selects users. Every field given narrows the selection; null means no filter."""

    id: Optional[str] = None
    id_in: Optional[list[str]] = Field(alias="idIn", default=None)
    email: Optional[str] = None
    activated: Optional[bool] = None
    organization: Optional["OrganizationWhere"] = None
    api_key: Optional[str] = Field(alias="apiKey", default=None, repr=False)
    "The API key of the user to select (sent by 2022-era clients)."


class ApiKeyWhere(BaseModel):
    """Selects API keys."""

    id: Optional[str] = None
    key: Optional[str] = Field(default=None, repr=False)
    user: Optional["UserWhere"] = None


class CreateUserData(BaseModel):
    """The new user's properties."""

    email: str
    password: str = Field(repr=False)
    organization_role: OrganizationRole = Field(alias="organizationRole")
    firstname: Optional[str] = None
    lastname: Optional[str] = None


class UpdatePasswordData(BaseModel):
    """A password change: the old password and the new one, twice."""

    old_password: str = Field(alias="oldPassword", repr=False)
    new_password_1: str = Field(alias="newPassword1", repr=False)
    new_password_2: str = Field(alias="newPassword2", repr=False)


class UserData(BaseModel):
    """The properties of a user to change; null leaves a property as it is."""

    activated: Optional[bool] = None
    email: Optional[str] = None
    firstname: Optional[str] = None
    lastname: Optional[str] = None
    organization_id: Optional[str] = Field(alias="organizationId", default=None)
    organization_role: Optional[OrganizationRole] = Field(
        alias="organizationRole", default=None
    )
    has_completed_labeling_tour: Optional[bool] = Field(
        alias="hasCompletedLabelingTour", default=None
    )
    hubspot_subscription_status: Optional[HubspotSubscriptionStatus] = Field(
        alias="hubspotSubscriptionStatus", default=None
    )
    api_key: Optional[str] = Field(alias="apiKey", default=None, repr=False)
    "Sent as null by official clients' mappers; any other value is refused."
    organization: Optional[str] = None
    "Sent as null by official clients' mappers; any other value is refused (use organizationId)."
