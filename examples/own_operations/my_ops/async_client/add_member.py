from typing import Annotated, Optional, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import OrganizationRole


class AddMember(BaseModel):
    create_user: "AddMemberCreateUser" = Field(alias="createUser")


class AddMemberCreateUser(BaseModel):
    id: str
    email: str
    organization_role: Optional[
        Annotated[Union[OrganizationRole, str], Field(union_mode="left_to_right")]
    ] = Field(alias="organizationRole")


AddMember.model_rebuild()
