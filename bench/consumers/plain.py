"""The same consumer as typed.py, with plain lists of field names."""

from kili_typed import Kili

kili = Kili(api_key="k")
for row in kili.users(fields=["email", "organizationRole", "organization.name"]):
    org = row["organization"]
    print(row["email"], row["organizationRole"], org["name"] if org else None)
for member in kili.users(fields=["id", "firstname", "lastname", "organizations.id"]):
    print(member["id"], member["firstname"], [o["id"] for o in member["organizations"] or []])
me = kili.get_current_user(fields=["email", "apiKeys.name", "apiKeys.revoked"])
print(me["email"], [k["name"] for k in me["apiKeys"] or [] if not k["revoked"]])
for account in kili.users(fields=["email", "activated", "createdAt", "isServiceAccount"]):
    print(account["email"], account["activated"], account["createdAt"], account["isServiceAccount"])
