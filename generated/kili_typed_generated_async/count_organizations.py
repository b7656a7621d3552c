from pydantic import Field

from .base_model import BaseModel


class CountOrganizations(BaseModel):
    count_organizations: int = Field(alias="countOrganizations")
