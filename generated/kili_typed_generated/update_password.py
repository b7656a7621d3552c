from pydantic import Field

from .base_model import BaseModel
from .fragments import UserCore


class UpdatePassword(BaseModel):
    update_password: "UpdatePasswordUpdatePassword" = Field(alias="updatePassword")


UpdatePasswordUpdatePassword = UserCore
