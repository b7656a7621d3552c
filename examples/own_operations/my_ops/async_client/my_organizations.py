from .base_model import BaseModel


class MyOrganizations(BaseModel):
    organizations: list["MyOrganizationsOrganizations"]


class MyOrganizationsOrganizations(BaseModel):
    id: str
    name: str


MyOrganizations.model_rebuild()
