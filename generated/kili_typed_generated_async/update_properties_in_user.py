from pydantic import Field

from .base_model import BaseModel
from .fragments import UserCore


class UpdatePropertiesInUser(BaseModel):
    update_properties_in_user: "UpdatePropertiesInUserUpdatePropertiesInUser" = Field(
        alias="updatePropertiesInUser"
    )


UpdatePropertiesInUserUpdatePropertiesInUser = UserCore
