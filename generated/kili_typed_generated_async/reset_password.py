from pydantic import Field

from .base_model import BaseModel
from .fragments import UserCore


class ResetPassword(BaseModel):
    reset_password: "ResetPasswordResetPassword" = Field(alias="resetPassword")


ResetPasswordResetPassword = UserCore
