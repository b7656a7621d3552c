from pydantic import Field

from .base_model import BaseModel


class CountUsers(BaseModel):
    count_users: int = Field(alias="countUsers")
