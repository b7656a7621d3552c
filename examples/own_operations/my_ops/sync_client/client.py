from typing import Any

from .add_member import AddMember
from .base_client import KiliBaseClient
from .input_types import CreateUserData
from .my_organizations import MyOrganizations


def gql(q: str) -> str:
    return q


class Client(KiliBaseClient):
    def my_organizations(self, **kwargs: Any) -> MyOrganizations:
        query = gql("""
            query MyOrganizations {
              organizations(where: {}, first: 10, skip: 0) {
                id
                name
              }
            }
            """)
        variables: dict[str, object] = {}
        response = self.execute(
            query=query,
            operation_name="MyOrganizations",
            variables=variables,
            mutation=False,
            **kwargs,
        )
        return self.read(response, MyOrganizations)

    def add_member(self, data: CreateUserData, **kwargs: Any) -> AddMember:
        query = gql("""
            mutation AddMember($data: CreateUserData!) {
              createUser(data: $data) {
                id
                email
                organizationRole
              }
            }
            """)
        variables: dict[str, object] = {"data": data}
        response = self.execute(
            query=query,
            operation_name="AddMember",
            variables=variables,
            mutation=True,
            **kwargs,
        )
        return self.read(response, AddMember)
