__all__ = [
    "COUNT_ORGANIZATIONS_GQL",
    "COUNT_USERS_GQL",
    "CREATE_USER_GQL",
    "ORGANIZATIONS_GQL",
    "RESET_PASSWORD_GQL",
    "UPDATE_PASSWORD_GQL",
    "UPDATE_PROPERTIES_IN_USER_GQL",
    "USERS_GQL",
    "VIEWER_GQL",
]

COUNT_ORGANIZATIONS_GQL = """
query countOrganizations($where: OrganizationWhere!) {
  countOrganizations(where: $where)
}
"""

COUNT_USERS_GQL = """
query countUsers($where: UserWhere!) {
  countUsers(where: $where)
}
"""

CREATE_USER_GQL = """
mutation createUser($data: CreateUserData!) {
  createUser(data: $data) {
    ...UserCore
  }
}

fragment UserCore on User {
  id
  email
  firstname
  lastname
  activated
  organizationId
  organizationRole
  createdAt
  updatedAt
}
"""

ORGANIZATIONS_GQL = """
query organizations($where: OrganizationWhere!, $first: PageSize, $skip: Int, $withId: Boolean!, $withName: Boolean!, $withActiveUsersCount: Boolean!, $withIsAllowedToSubmitNewLabels: Boolean!, $withMatchingDomain: Boolean!, $withCreatedAt: Boolean!) {
  organizations(where: $where, first: $first, skip: $skip) {
    id @include(if: $withId)
    name @include(if: $withName)
    activeUsersCount @include(if: $withActiveUsersCount)
    isAllowedToSubmitNewLabels @include(if: $withIsAllowedToSubmitNewLabels)
    matchingDomain @include(if: $withMatchingDomain)
    createdAt @include(if: $withCreatedAt)
  }
}
"""

RESET_PASSWORD_GQL = """
mutation resetPassword($where: UserWhere!) {
  resetPassword(where: $where) {
    ...UserCore
  }
}

fragment UserCore on User {
  id
  email
  firstname
  lastname
  activated
  organizationId
  organizationRole
  createdAt
  updatedAt
}
"""

UPDATE_PASSWORD_GQL = """
mutation updatePassword($data: UpdatePasswordData!, $where: UserWhere!) {
  updatePassword(data: $data, where: $where) {
    ...UserCore
  }
}

fragment UserCore on User {
  id
  email
  firstname
  lastname
  activated
  organizationId
  organizationRole
  createdAt
  updatedAt
}
"""

UPDATE_PROPERTIES_IN_USER_GQL = """
mutation updatePropertiesInUser($data: UserData!, $where: UserWhere!) {
  updatePropertiesInUser(data: $data, where: $where) {
    ...UserCore
  }
}

fragment UserCore on User {
  id
  email
  firstname
  lastname
  activated
  organizationId
  organizationRole
  createdAt
  updatedAt
}
"""

USERS_GQL = """
query users($where: UserWhere!, $first: PageSize, $skip: Int, $withId: Boolean!, $withEmail: Boolean!, $withFirstname: Boolean!, $withLastname: Boolean!, $withActivated: Boolean!, $withCreatedAt: Boolean!, $withUpdatedAt: Boolean!, $withOrganizationId: Boolean!, $withOrganizationRole: Boolean!, $withAuth0Id: Boolean!, $withHasCompletedLabelingTour: Boolean!, $withHighestRoleInProject: Boolean!, $withHighestRoleInProjectCompute: Boolean!, $withHubspotSubscriptionStatus: Boolean!, $withIsServiceAccount: Boolean!, $withOrg: Boolean!, $withOrgId: Boolean!, $withOrgName: Boolean!, $withOrgActiveUsersCount: Boolean!, $withOrgIsAllowedToSubmitNewLabels: Boolean!, $withOrgMatchingDomain: Boolean!, $withOrgCreatedAt: Boolean!, $withOrgs: Boolean!, $withOrgsId: Boolean!, $withOrgsName: Boolean!, $withOrgsActiveUsersCount: Boolean!, $withOrgsIsAllowedToSubmitNewLabels: Boolean!, $withOrgsMatchingDomain: Boolean!, $withOrgsCreatedAt: Boolean!, $withApiKeys: Boolean!, $withApiKeysId: Boolean!, $withApiKeysName: Boolean!, $withApiKeysKey: Boolean!, $withApiKeysCreatedAt: Boolean!, $withApiKeysExpiryDate: Boolean!, $withApiKeysRevoked: Boolean!, $withApiKeysUserId: Boolean!) {
  users(where: $where, first: $first, skip: $skip) {
    id @include(if: $withId)
    email @include(if: $withEmail)
    firstname @include(if: $withFirstname)
    lastname @include(if: $withLastname)
    activated @include(if: $withActivated)
    createdAt @include(if: $withCreatedAt)
    updatedAt @include(if: $withUpdatedAt)
    organizationId @include(if: $withOrganizationId)
    organizationRole @include(if: $withOrganizationRole)
    auth0Id @include(if: $withAuth0Id)
    hasCompletedLabelingTour @include(if: $withHasCompletedLabelingTour)
    highestRoleInProject @include(if: $withHighestRoleInProject)
    highestRoleInProjectCompute @include(if: $withHighestRoleInProjectCompute)
    hubspotSubscriptionStatus @include(if: $withHubspotSubscriptionStatus)
    isServiceAccount @include(if: $withIsServiceAccount)
    organization @include(if: $withOrg) {
      id @include(if: $withOrgId)
      name @include(if: $withOrgName)
      activeUsersCount @include(if: $withOrgActiveUsersCount)
      isAllowedToSubmitNewLabels @include(if: $withOrgIsAllowedToSubmitNewLabels)
      matchingDomain @include(if: $withOrgMatchingDomain)
      createdAt @include(if: $withOrgCreatedAt)
    }
    organizations @include(if: $withOrgs) {
      id @include(if: $withOrgsId)
      name @include(if: $withOrgsName)
      activeUsersCount @include(if: $withOrgsActiveUsersCount)
      isAllowedToSubmitNewLabels @include(if: $withOrgsIsAllowedToSubmitNewLabels)
      matchingDomain @include(if: $withOrgsMatchingDomain)
      createdAt @include(if: $withOrgsCreatedAt)
    }
    apiKeys @include(if: $withApiKeys) {
      id @include(if: $withApiKeysId)
      name @include(if: $withApiKeysName)
      key @include(if: $withApiKeysKey)
      createdAt @include(if: $withApiKeysCreatedAt)
      expiryDate @include(if: $withApiKeysExpiryDate)
      revoked @include(if: $withApiKeysRevoked)
      userId @include(if: $withApiKeysUserId)
    }
  }
}
"""

VIEWER_GQL = """
query viewer($withId: Boolean!, $withEmail: Boolean!, $withFirstname: Boolean!, $withLastname: Boolean!, $withActivated: Boolean!, $withCreatedAt: Boolean!, $withUpdatedAt: Boolean!, $withOrganizationId: Boolean!, $withOrganizationRole: Boolean!, $withAuth0Id: Boolean!, $withHasCompletedLabelingTour: Boolean!, $withHighestRoleInProject: Boolean!, $withHighestRoleInProjectCompute: Boolean!, $withHubspotSubscriptionStatus: Boolean!, $withIsServiceAccount: Boolean!, $withOrg: Boolean!, $withOrgId: Boolean!, $withOrgName: Boolean!, $withOrgActiveUsersCount: Boolean!, $withOrgIsAllowedToSubmitNewLabels: Boolean!, $withOrgMatchingDomain: Boolean!, $withOrgCreatedAt: Boolean!, $withOrgs: Boolean!, $withOrgsId: Boolean!, $withOrgsName: Boolean!, $withOrgsActiveUsersCount: Boolean!, $withOrgsIsAllowedToSubmitNewLabels: Boolean!, $withOrgsMatchingDomain: Boolean!, $withOrgsCreatedAt: Boolean!, $withApiKeys: Boolean!, $withApiKeysId: Boolean!, $withApiKeysName: Boolean!, $withApiKeysKey: Boolean!, $withApiKeysCreatedAt: Boolean!, $withApiKeysExpiryDate: Boolean!, $withApiKeysRevoked: Boolean!, $withApiKeysUserId: Boolean!) {
  viewer {
    id @include(if: $withId)
    email @include(if: $withEmail)
    firstname @include(if: $withFirstname)
    lastname @include(if: $withLastname)
    activated @include(if: $withActivated)
    createdAt @include(if: $withCreatedAt)
    updatedAt @include(if: $withUpdatedAt)
    organizationId @include(if: $withOrganizationId)
    organizationRole @include(if: $withOrganizationRole)
    auth0Id @include(if: $withAuth0Id)
    hasCompletedLabelingTour @include(if: $withHasCompletedLabelingTour)
    highestRoleInProject @include(if: $withHighestRoleInProject)
    highestRoleInProjectCompute @include(if: $withHighestRoleInProjectCompute)
    hubspotSubscriptionStatus @include(if: $withHubspotSubscriptionStatus)
    isServiceAccount @include(if: $withIsServiceAccount)
    organization @include(if: $withOrg) {
      id @include(if: $withOrgId)
      name @include(if: $withOrgName)
      activeUsersCount @include(if: $withOrgActiveUsersCount)
      isAllowedToSubmitNewLabels @include(if: $withOrgIsAllowedToSubmitNewLabels)
      matchingDomain @include(if: $withOrgMatchingDomain)
      createdAt @include(if: $withOrgCreatedAt)
    }
    organizations @include(if: $withOrgs) {
      id @include(if: $withOrgsId)
      name @include(if: $withOrgsName)
      activeUsersCount @include(if: $withOrgsActiveUsersCount)
      isAllowedToSubmitNewLabels @include(if: $withOrgsIsAllowedToSubmitNewLabels)
      matchingDomain @include(if: $withOrgsMatchingDomain)
      createdAt @include(if: $withOrgsCreatedAt)
    }
    apiKeys @include(if: $withApiKeys) {
      id @include(if: $withApiKeysId)
      name @include(if: $withApiKeysName)
      key @include(if: $withApiKeysKey)
      createdAt @include(if: $withApiKeysCreatedAt)
      expiryDate @include(if: $withApiKeysExpiryDate)
      revoked @include(if: $withApiKeysRevoked)
      userId @include(if: $withApiKeysUserId)
    }
  }
}
"""
