from pydantic import Field

from .base_model import BaseModel
from .fragments import UserCore


class CreateUser(BaseModel):
    create_user: "CreateUserCreateUser" = Field(alias="createUser")


CreateUserCreateUser = UserCore
