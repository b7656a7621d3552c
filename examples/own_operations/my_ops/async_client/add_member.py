from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import OrganizationRole


class AddMember(BaseModel):
    create_user: "AddMemberCreateUser" = Field(alias="createUser")


class AddMemberCreateUser(BaseModel):
    id: str
    email: str
    organization_role: Optional[OrganizationRole] = Field(alias="organizationRole")


AddMember.model_rebuild()
