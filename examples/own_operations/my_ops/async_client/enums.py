from enum import Enum


class OrganizationRole(str, Enum):
    ADMIN = "ADMIN"
    USER = "USER"
