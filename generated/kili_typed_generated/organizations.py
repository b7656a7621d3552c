from datetime import datetime
from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class Organizations(BaseModel):
    organizations: list["OrganizationsOrganizations"]


class OrganizationsOrganizations(BaseModel):
    id: Optional[str] = None
    name: Optional[str] = None
    active_users_count: Optional[int] = Field(alias="activeUsersCount", default=None)
    is_allowed_to_submit_new_labels: Optional[bool] = Field(
        alias="isAllowedToSubmitNewLabels", default=None
    )
    matching_domain: Optional[str] = Field(alias="matchingDomain", default=None)
    created_at: Optional[datetime] = Field(alias="createdAt", default=None)
