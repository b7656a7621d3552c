import importlib
from typing import TYPE_CHECKING

from .operations import (
    COUNT_ORGANIZATIONS_GQL,
    COUNT_USERS_GQL,
    CREATE_USER_GQL,
    ORGANIZATIONS_GQL,
    RESET_PASSWORD_GQL,
    UPDATE_PASSWORD_GQL,
    UPDATE_PROPERTIES_IN_USER_GQL,
    USERS_GQL,
    VIEWER_GQL,
)

if TYPE_CHECKING:
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
_LAZY_IMPORTS = {
    "ApiKeyWhere": ".input_types",
    "AsyncBaseClient": ".async_base_client",
    "BaseModel": ".base_model",
    "Client": ".client",
    "CountOrganizations": ".count_organizations",
    "CountUsers": ".count_users",
    "CreateUser": ".create_user",
    "CreateUserCreateUser": ".create_user",
    "CreateUserData": ".input_types",
    "GraphQLClientError": ".exceptions",
    "GraphQLClientGraphQLError": ".exceptions",
    "GraphQLClientGraphQLMultiError": ".exceptions",
    "GraphQLClientHttpError": ".exceptions",
    "GraphQLClientInvalidResponseError": ".exceptions",
    "HubspotSubscriptionStatus": ".enums",
    "OrganizationRole": ".enums",
    "OrganizationWhere": ".input_types",
    "Organizations": ".organizations",
    "OrganizationsOrganizations": ".organizations",
    "ResetPassword": ".reset_password",
    "ResetPasswordResetPassword": ".reset_password",
    "UpdatePassword": ".update_password",
    "UpdatePasswordData": ".input_types",
    "UpdatePasswordUpdatePassword": ".update_password",
    "UpdatePropertiesInUser": ".update_properties_in_user",
    "UpdatePropertiesInUserUpdatePropertiesInUser": ".update_properties_in_user",
    "Upload": ".base_model",
    "UserCore": ".fragments",
    "UserData": ".input_types",
    "UserWhere": ".input_types",
    "Users": ".users",
    "UsersUsers": ".users",
    "UsersUsersApiKeys": ".users",
    "UsersUsersOrganization": ".users",
    "UsersUsersOrganizations": ".users",
    "Viewer": ".viewer",
    "ViewerViewer": ".viewer",
    "ViewerViewerApiKeys": ".viewer",
    "ViewerViewerOrganization": ".viewer",
    "ViewerViewerOrganizations": ".viewer",
}


def __getattr__(name):
    """Import the module a generated name lives in, the first time it is used."""
    module_name = _LAZY_IMPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)


__all__ = [
    "ApiKeyWhere",
    "AsyncBaseClient",
    "BaseModel",
    "COUNT_ORGANIZATIONS_GQL",
    "COUNT_USERS_GQL",
    "CREATE_USER_GQL",
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
    "ORGANIZATIONS_GQL",
    "OrganizationRole",
    "OrganizationWhere",
    "Organizations",
    "OrganizationsOrganizations",
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
    "ViewerViewerApiKeys",
    "ViewerViewerOrganization",
    "ViewerViewerOrganizations",
]
