from datetime import datetime
from typing import Annotated, Optional, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import OrganizationRole


class UserCore(BaseModel):
    id: str
    email: str
    firstname: Optional[str]
    lastname: Optional[str]
    activated: bool
    organization_id: str = Field(alias="organizationId")
    organization_role: Optional[
        Annotated[Union[OrganizationRole, str], Field(union_mode="left_to_right")]
    ] = Field(alias="organizationRole")
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")
