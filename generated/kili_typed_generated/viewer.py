from datetime import datetime
from typing import Annotated, Optional, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import HubspotSubscriptionStatus, OrganizationRole


class Viewer(BaseModel):
    viewer: "ViewerViewer"


class ViewerViewer(BaseModel):
    id: Optional[str] = None
    email: Optional[str] = None
    firstname: Optional[str] = None
    lastname: Optional[str] = None
    activated: Optional[bool] = None
    created_at: Optional[datetime] = Field(alias="createdAt", default=None)
    updated_at: Optional[datetime] = Field(alias="updatedAt", default=None)
    organization_id: Optional[str] = Field(alias="organizationId", default=None)
    organization_role: Optional[
        Annotated[Union[OrganizationRole, str], Field(union_mode="left_to_right")]
    ] = Field(alias="organizationRole", default=None)
    auth_0_id: Optional[str] = Field(alias="auth0Id", default=None)
    has_completed_labeling_tour: Optional[bool] = Field(
        alias="hasCompletedLabelingTour", default=None
    )
    highest_role_in_project: Optional[str] = Field(
        alias="highestRoleInProject", default=None
    )
    highest_role_in_project_compute: Optional[str] = Field(
        alias="highestRoleInProjectCompute", default=None
    )
    hubspot_subscription_status: Optional[
        Annotated[
            Union[HubspotSubscriptionStatus, str], Field(union_mode="left_to_right")
        ]
    ] = Field(alias="hubspotSubscriptionStatus", default=None)
    is_service_account: Optional[bool] = Field(alias="isServiceAccount", default=None)
    organization: Optional["ViewerViewerOrganization"] = None
    organizations: Optional[list["ViewerViewerOrganizations"]] = None
    api_keys: Optional[list["ViewerViewerApiKeys"]] = Field(
        alias="apiKeys", default=None
    )


class ViewerViewerOrganization(BaseModel):
    id: Optional[str] = None
    name: Optional[str] = None
    active_users_count: Optional[int] = Field(alias="activeUsersCount", default=None)
    is_allowed_to_submit_new_labels: Optional[bool] = Field(
        alias="isAllowedToSubmitNewLabels", default=None
    )
    matching_domain: Optional[str] = Field(alias="matchingDomain", default=None)
    created_at: Optional[datetime] = Field(alias="createdAt", default=None)


class ViewerViewerOrganizations(BaseModel):
    id: Optional[str] = None
    name: Optional[str] = None
    active_users_count: Optional[int] = Field(alias="activeUsersCount", default=None)
    is_allowed_to_submit_new_labels: Optional[bool] = Field(
        alias="isAllowedToSubmitNewLabels", default=None
    )
    matching_domain: Optional[str] = Field(alias="matchingDomain", default=None)
    created_at: Optional[datetime] = Field(alias="createdAt", default=None)


class ViewerViewerApiKeys(BaseModel):
    id: Optional[str] = None
    name: Optional[str] = None
    key: Optional[str] = Field(default=None, repr=False)
    created_at: Optional[datetime] = Field(alias="createdAt", default=None)
    expiry_date: Optional[datetime] = Field(alias="expiryDate", default=None)
    revoked: Optional[bool] = None
    user_id: Optional[str] = Field(alias="userId", default=None)
