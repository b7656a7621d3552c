from typing import TYPE_CHECKING, Any, Optional, Union

from .async_base_client import AsyncBaseClient
from .base_model import UNSET
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
    from .base_model import UnsetType
    from .count_organizations import CountOrganizations
    from .count_users import CountUsers
    from .create_user import CreateUser
    from .input_types import (
        CreateUserData,
        OrganizationWhere,
        UpdatePasswordData,
        UserData,
        UserWhere,
    )
    from .organizations import Organizations
    from .reset_password import ResetPassword
    from .update_password import UpdatePassword
    from .update_properties_in_user import UpdatePropertiesInUser
    from .users import Users
    from .viewer import Viewer


def gql(q: str) -> str:
    return q


class Client(AsyncBaseClient):
    async def count_organizations(
        self, where: "OrganizationWhere", **kwargs: Any
    ) -> "CountOrganizations":
        from .count_organizations import CountOrganizations

        variables: dict[str, object] = {"where": where}
        response = await self.execute(
            query=COUNT_ORGANIZATIONS_GQL,
            operation_name="countOrganizations",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CountOrganizations.model_validate(data)

    async def count_users(self, where: "UserWhere", **kwargs: Any) -> "CountUsers":
        from .count_users import CountUsers

        variables: dict[str, object] = {"where": where}
        response = await self.execute(
            query=COUNT_USERS_GQL,
            operation_name="countUsers",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CountUsers.model_validate(data)

    async def create_user(self, data: "CreateUserData", **kwargs: Any) -> "CreateUser":
        from .create_user import CreateUser

        variables: dict[str, object] = {"data": data}
        response = await self.execute(
            query=CREATE_USER_GQL,
            operation_name="createUser",
            variables=variables,
            **kwargs,
        )
        _data = self.get_data(response)
        return CreateUser.model_validate(_data)

    async def organizations(
        self,
        where: "OrganizationWhere",
        with_id: bool,
        with_name: bool,
        with_active_users_count: bool,
        with_is_allowed_to_submit_new_labels: bool,
        with_matching_domain: bool,
        with_created_at: bool,
        first: Union[Optional[int], "UnsetType"] = UNSET,
        skip: Union[Optional[int], "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "Organizations":
        from .organizations import Organizations

        variables: dict[str, object] = {
            "where": where,
            "first": first,
            "skip": skip,
            "withId": with_id,
            "withName": with_name,
            "withActiveUsersCount": with_active_users_count,
            "withIsAllowedToSubmitNewLabels": with_is_allowed_to_submit_new_labels,
            "withMatchingDomain": with_matching_domain,
            "withCreatedAt": with_created_at,
        }
        response = await self.execute(
            query=ORGANIZATIONS_GQL,
            operation_name="organizations",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return Organizations.model_validate(data)

    async def reset_password(
        self, where: "UserWhere", **kwargs: Any
    ) -> "ResetPassword":
        from .reset_password import ResetPassword

        variables: dict[str, object] = {"where": where}
        response = await self.execute(
            query=RESET_PASSWORD_GQL,
            operation_name="resetPassword",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return ResetPassword.model_validate(data)

    async def update_password(
        self, data: "UpdatePasswordData", where: "UserWhere", **kwargs: Any
    ) -> "UpdatePassword":
        from .update_password import UpdatePassword

        variables: dict[str, object] = {"data": data, "where": where}
        response = await self.execute(
            query=UPDATE_PASSWORD_GQL,
            operation_name="updatePassword",
            variables=variables,
            **kwargs,
        )
        _data = self.get_data(response)
        return UpdatePassword.model_validate(_data)

    async def update_properties_in_user(
        self, data: "UserData", where: "UserWhere", **kwargs: Any
    ) -> "UpdatePropertiesInUser":
        from .update_properties_in_user import UpdatePropertiesInUser

        variables: dict[str, object] = {"data": data, "where": where}
        response = await self.execute(
            query=UPDATE_PROPERTIES_IN_USER_GQL,
            operation_name="updatePropertiesInUser",
            variables=variables,
            **kwargs,
        )
        _data = self.get_data(response)
        return UpdatePropertiesInUser.model_validate(_data)

    async def users(
        self,
        where: "UserWhere",
        with_id: bool,
        with_email: bool,
        with_firstname: bool,
        with_lastname: bool,
        with_activated: bool,
        with_created_at: bool,
        with_updated_at: bool,
        with_organization_id: bool,
        with_organization_role: bool,
        with_auth_0_id: bool,
        with_has_completed_labeling_tour: bool,
        with_highest_role_in_project: bool,
        with_highest_role_in_project_compute: bool,
        with_hubspot_subscription_status: bool,
        with_is_service_account: bool,
        with_org: bool,
        with_org_id: bool,
        with_org_name: bool,
        with_org_active_users_count: bool,
        with_org_is_allowed_to_submit_new_labels: bool,
        with_org_matching_domain: bool,
        with_org_created_at: bool,
        with_orgs: bool,
        with_orgs_id: bool,
        with_orgs_name: bool,
        with_orgs_active_users_count: bool,
        with_orgs_is_allowed_to_submit_new_labels: bool,
        with_orgs_matching_domain: bool,
        with_orgs_created_at: bool,
        with_api_keys: bool,
        with_api_keys_id: bool,
        with_api_keys_name: bool,
        with_api_keys_key: bool,
        with_api_keys_created_at: bool,
        with_api_keys_expiry_date: bool,
        with_api_keys_revoked: bool,
        with_api_keys_user_id: bool,
        first: Union[Optional[int], "UnsetType"] = UNSET,
        skip: Union[Optional[int], "UnsetType"] = UNSET,
        **kwargs: Any,
    ) -> "Users":
        from .users import Users

        variables: dict[str, object] = {
            "where": where,
            "first": first,
            "skip": skip,
            "withId": with_id,
            "withEmail": with_email,
            "withFirstname": with_firstname,
            "withLastname": with_lastname,
            "withActivated": with_activated,
            "withCreatedAt": with_created_at,
            "withUpdatedAt": with_updated_at,
            "withOrganizationId": with_organization_id,
            "withOrganizationRole": with_organization_role,
            "withAuth0Id": with_auth_0_id,
            "withHasCompletedLabelingTour": with_has_completed_labeling_tour,
            "withHighestRoleInProject": with_highest_role_in_project,
            "withHighestRoleInProjectCompute": with_highest_role_in_project_compute,
            "withHubspotSubscriptionStatus": with_hubspot_subscription_status,
            "withIsServiceAccount": with_is_service_account,
            "withOrg": with_org,
            "withOrgId": with_org_id,
            "withOrgName": with_org_name,
            "withOrgActiveUsersCount": with_org_active_users_count,
            "withOrgIsAllowedToSubmitNewLabels": with_org_is_allowed_to_submit_new_labels,
            "withOrgMatchingDomain": with_org_matching_domain,
            "withOrgCreatedAt": with_org_created_at,
            "withOrgs": with_orgs,
            "withOrgsId": with_orgs_id,
            "withOrgsName": with_orgs_name,
            "withOrgsActiveUsersCount": with_orgs_active_users_count,
            "withOrgsIsAllowedToSubmitNewLabels": with_orgs_is_allowed_to_submit_new_labels,
            "withOrgsMatchingDomain": with_orgs_matching_domain,
            "withOrgsCreatedAt": with_orgs_created_at,
            "withApiKeys": with_api_keys,
            "withApiKeysId": with_api_keys_id,
            "withApiKeysName": with_api_keys_name,
            "withApiKeysKey": with_api_keys_key,
            "withApiKeysCreatedAt": with_api_keys_created_at,
            "withApiKeysExpiryDate": with_api_keys_expiry_date,
            "withApiKeysRevoked": with_api_keys_revoked,
            "withApiKeysUserId": with_api_keys_user_id,
        }
        response = await self.execute(
            query=USERS_GQL, operation_name="users", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Users.model_validate(data)

    async def viewer(
        self,
        with_id: bool,
        with_email: bool,
        with_firstname: bool,
        with_lastname: bool,
        with_activated: bool,
        with_created_at: bool,
        with_updated_at: bool,
        with_organization_id: bool,
        with_organization_role: bool,
        with_auth_0_id: bool,
        with_has_completed_labeling_tour: bool,
        with_highest_role_in_project: bool,
        with_highest_role_in_project_compute: bool,
        with_hubspot_subscription_status: bool,
        with_is_service_account: bool,
        with_org: bool,
        with_org_id: bool,
        with_org_name: bool,
        with_org_active_users_count: bool,
        with_org_is_allowed_to_submit_new_labels: bool,
        with_org_matching_domain: bool,
        with_org_created_at: bool,
        with_orgs: bool,
        with_orgs_id: bool,
        with_orgs_name: bool,
        with_orgs_active_users_count: bool,
        with_orgs_is_allowed_to_submit_new_labels: bool,
        with_orgs_matching_domain: bool,
        with_orgs_created_at: bool,
        with_api_keys: bool,
        with_api_keys_id: bool,
        with_api_keys_name: bool,
        with_api_keys_key: bool,
        with_api_keys_created_at: bool,
        with_api_keys_expiry_date: bool,
        with_api_keys_revoked: bool,
        with_api_keys_user_id: bool,
        **kwargs: Any,
    ) -> "Viewer":
        from .viewer import Viewer

        variables: dict[str, object] = {
            "withId": with_id,
            "withEmail": with_email,
            "withFirstname": with_firstname,
            "withLastname": with_lastname,
            "withActivated": with_activated,
            "withCreatedAt": with_created_at,
            "withUpdatedAt": with_updated_at,
            "withOrganizationId": with_organization_id,
            "withOrganizationRole": with_organization_role,
            "withAuth0Id": with_auth_0_id,
            "withHasCompletedLabelingTour": with_has_completed_labeling_tour,
            "withHighestRoleInProject": with_highest_role_in_project,
            "withHighestRoleInProjectCompute": with_highest_role_in_project_compute,
            "withHubspotSubscriptionStatus": with_hubspot_subscription_status,
            "withIsServiceAccount": with_is_service_account,
            "withOrg": with_org,
            "withOrgId": with_org_id,
            "withOrgName": with_org_name,
            "withOrgActiveUsersCount": with_org_active_users_count,
            "withOrgIsAllowedToSubmitNewLabels": with_org_is_allowed_to_submit_new_labels,
            "withOrgMatchingDomain": with_org_matching_domain,
            "withOrgCreatedAt": with_org_created_at,
            "withOrgs": with_orgs,
            "withOrgsId": with_orgs_id,
            "withOrgsName": with_orgs_name,
            "withOrgsActiveUsersCount": with_orgs_active_users_count,
            "withOrgsIsAllowedToSubmitNewLabels": with_orgs_is_allowed_to_submit_new_labels,
            "withOrgsMatchingDomain": with_orgs_matching_domain,
            "withOrgsCreatedAt": with_orgs_created_at,
            "withApiKeys": with_api_keys,
            "withApiKeysId": with_api_keys_id,
            "withApiKeysName": with_api_keys_name,
            "withApiKeysKey": with_api_keys_key,
            "withApiKeysCreatedAt": with_api_keys_created_at,
            "withApiKeysExpiryDate": with_api_keys_expiry_date,
            "withApiKeysRevoked": with_api_keys_revoked,
            "withApiKeysUserId": with_api_keys_user_id,
        }
        response = await self.execute(
            query=VIEWER_GQL, operation_name="viewer", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Viewer.model_validate(data)
