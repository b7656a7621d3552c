from .add_member import AddMember
from .async_base_client import AsyncKiliBaseClient
from .input_types import CreateUserData
from .my_organizations import MyOrganizations
from .operations import ADD_MEMBER, MY_ORGANIZATIONS


class AsyncClient(AsyncKiliBaseClient):
    async def my_organizations(self) -> MyOrganizations:
        query = MY_ORGANIZATIONS
        variables: dict[str, object] = {}
        response = await self.execute(
            query=query,
            operation_name="MyOrganizations",
            variables=variables,
            mutation=False,
        )
        return self.read(response, MyOrganizations)

    async def add_member(self, data: CreateUserData) -> AddMember:
        query = ADD_MEMBER
        variables: dict[str, object] = {"data": data}
        response = await self.execute(
            query=query, operation_name="AddMember", variables=variables, mutation=True
        )
        return self.read(response, AddMember)
