"""The API's docs page: Swagger UI served from this site, under a policy loosened for it alone."""

from django.urls import reverse


def test_docs_page_may_use_swagger_uis_inline_style_and_no_other_page_may(client, db):
    docs = client.get(reverse("api_docs"))
    assert docs.status_code == 200
    policy = docs["Content-Security-Policy"]
    style = next(part for part in policy.split(";") if part.strip().startswith("style-src"))
    assert "'unsafe-inline'" in style
    # Scripts stay this site's own, from files.
    script = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script
    # The page's script, a file of the same view, points Swagger UI at the schema.
    script_file = client.get(reverse("api_docs") + "?script=")
    assert reverse("api_schema") in script_file.content.decode()

    sign_in = client.get(reverse("account_login"))
    assert "'unsafe-inline'" not in sign_in["Content-Security-Policy"]
