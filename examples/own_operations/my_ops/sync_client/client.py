from .add_member import AddMember
from .base_client import KiliBaseClient
from .input_types import CreateUserData
from .my_organizations import MyOrganizations
from .operations import ADD_MEMBER, MY_ORGANIZATIONS


class Client(KiliBaseClient):
    def my_organizations(self) -> MyOrganizations:
        query = MY_ORGANIZATIONS
        variables: dict[str, object] = {}
        response = self.execute(
            query=query,
            operation_name="MyOrganizations",
            variables=variables,
            mutation=False,
        )
        return self.read(response, MyOrganizations)

    def add_member(self, data: CreateUserData) -> AddMember:
        query = ADD_MEMBER
        variables: dict[str, object] = {"data": data}
        response = self.execute(
            query=query, operation_name="AddMember", variables=variables, mutation=True
        )
        return self.read(response, AddMember)
