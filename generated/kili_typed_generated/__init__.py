from .base_client import BaseClient
from .base_model import BaseModel, Upload
from .client import Client
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
from .operations import (
    COUNT_USERS_GQL,
    CREATE_USER_GQL,
    RESET_PASSWORD_GQL,
    UPDATE_PASSWORD_GQL,
    UPDATE_PROPERTIES_IN_USER_GQL,
    USERS_GQL,
    VIEWER_GQL,
)
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
from .viewer import Viewer, ViewerViewer

__all__ = [
    "ApiKeyWhere",
    "BaseClient",
    "BaseModel",
    "COUNT_USERS_GQL",
    "CREATE_USER_GQL",
    "Client",
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
    "RESET_PASSWORD_GQL",
    "ResetPassword",
    "ResetPasswordResetPassword",
    "UPDATE_PASSWORD_GQL",
    "UPDATE_PROPERTIES_IN_USER_GQL",
    "USERS_GQL",
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
    "VIEWER_GQL",
    "Viewer",
    "ViewerViewer",
]
