"""The documents of this package's operations, as its client sends them.

Written by `kili-typed codegen`: do not edit; run the command again. Each document is
a string literal written by Python's repr(), one per line of the operation: data,
never code.
"""

__all__ = [
    'ADD_MEMBER',
    'MY_ORGANIZATIONS',
]

ADD_MEMBER = (
    'mutation AddMember($data: CreateUserData!) {\n'
    '  createUser(data: $data) {\n'
    '    id\n'
    '    email\n'
    '    organizationRole\n'
    '  }\n'
    '}'
)

MY_ORGANIZATIONS = (
    'query MyOrganizations {\n'
    '  organizations(where: {}, first: 10, skip: 0) {\n'
    '    id\n'
    '    name\n'
    '  }\n'
    '}'
)
