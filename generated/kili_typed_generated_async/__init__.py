from .async_base_client import AsyncBaseClient
from .base_model import BaseModel, Upload
from .client import Client
from .count_organizations import CountOrganizations
from .count_users import CountUsers
from .create_user import CreateUser, CreateUserCreateUser
from .enums import HubspotSubscriptionStatus, OrganizationRole
from .exceptions import (
    GraphQLClientError,
    GraphQLClientGraphQLError,
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
)
from .fragments import UserCore
from .input_types import (
    ApiKeyWhere,
    CreateUserData,
    OrganizationWhere,
    UpdatePasswordData,
    UserData,
    UserWhere,
)
from .organizations import Organizations, OrganizationsOrganizations
from .reset_password import ResetPassword, ResetPasswordResetPassword
from .update_password import UpdatePassword, UpdatePasswordUpdatePassword
from .update_properties_in_user import (
    UpdatePropertiesInUser,
    UpdatePropertiesInUserUpdatePropertiesInUser,
)
from .users import (
    Users,
    UsersUsers,
    UsersUsersApiKeys,
    UsersUsersOrganization,
    UsersUsersOrganizations,
)
from .viewer import (
    Viewer,
    ViewerViewer,
    ViewerViewerApiKeys,
    ViewerViewerOrganization,
    ViewerViewerOrganizations,
)

__all__ = [
    "ApiKeyWhere",
    "AsyncBaseClient",
    "BaseModel",
    "Client",
    "CountOrganizations",
    "CountUsers",
    "CreateUser",
    "CreateUserCreateUser",
    "CreateUserData",
    "GraphQLClientError",
    "GraphQLClientGraphQLError",
    "GraphQLClientGraphQLMultiError",
    "GraphQLClientHttpError",
    "GraphQLClientInvalidResponseError",
    "HubspotSubscriptionStatus",
    "OrganizationRole",
    "OrganizationWhere",
    "Organizations",
    "OrganizationsOrganizations",
    "ResetPassword",
    "ResetPasswordResetPassword",
    "UpdatePassword",
    "UpdatePasswordData",
    "UpdatePasswordUpdatePassword",
    "UpdatePropertiesInUser",
    "UpdatePropertiesInUserUpdatePropertiesInUser",
    "Upload",
    "UserCore",
    "UserData",
    "UserWhere",
    "Users",
    "UsersUsers",
    "UsersUsersApiKeys",
    "UsersUsersOrganization",
    "UsersUsersOrganizations",
    "Viewer",
    "ViewerViewer",
    "ViewerViewerApiKeys",
    "ViewerViewerOrganization",
    "ViewerViewerOrganizations",
]
