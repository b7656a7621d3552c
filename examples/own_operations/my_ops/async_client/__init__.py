from .add_member import AddMember, AddMemberCreateUser
from .async_base_client import AsyncKiliBaseClient
from .base_model import BaseModel, Upload
from .client import Client
from .enums import OrganizationRole
from .input_types import CreateUserData
from .my_organizations import MyOrganizations, MyOrganizationsOrganizations

__all__ = [
    "AddMember",
    "AddMemberCreateUser",
    "AsyncKiliBaseClient",
    "BaseModel",
    "Client",
    "CreateUserData",
    "MyOrganizations",
    "MyOrganizationsOrganizations",
    "OrganizationRole",
    "Upload",
]
