from .add_member import AddMember, AddMemberCreateUser
from .async_base_client import AsyncKiliBaseClient
from .base_model import BaseModel, Upload
from .client import AsyncClient
from .enums import OrganizationRole
from .input_types import CreateUserData
from .my_organizations import MyOrganizations, MyOrganizationsOrganizations

__all__ = [
    "AddMember",
    "AddMemberCreateUser",
    "AsyncClient",
    "AsyncKiliBaseClient",
    "BaseModel",
    "CreateUserData",
    "MyOrganizations",
    "MyOrganizationsOrganizations",
    "OrganizationRole",
    "Upload",
]
