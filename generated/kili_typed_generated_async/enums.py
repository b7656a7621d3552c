from enum import Enum


class OrganizationRole(str, Enum):
    ADMIN = "ADMIN"
    USER = "USER"


class HubspotSubscriptionStatus(str, Enum):
    SUBSCRIBED = "SUBSCRIBED"
    UNSUBSCRIBED = "UNSUBSCRIBED"
