from .add_member import AddMember, AddMemberCreateUser
from .base_client import KiliBaseClient
from .base_model import BaseModel, Upload
from .client import Client
from .enums import OrganizationRole
from .input_types import CreateUserData
from .my_organizations import MyOrganizations, MyOrganizationsOrganizations

__all__ = [
    "AddMember",
    "AddMemberCreateUser",
    "BaseModel",
    "Client",
    "CreateUserData",
    "KiliBaseClient",
    "MyOrganizations",
    "MyOrganizationsOrganizations",
    "OrganizationRole",
    "Upload",
]
