from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import OrganizationRole


class CreateUserData(BaseModel):
    """The new user's properties."""

    email: str
    password: str = Field(repr=False)
    organization_role: OrganizationRole = Field(alias="organizationRole")
    firstname: Optional[str] = None
    lastname: Optional[str] = None
