"""Every route in the URL configuration is either checked in the browser or exempt, by reason."""

from caremarket.accessibility.registry import NAMESPACE_EXEMPT, declarations, route_names


def test_every_route_is_declared_as_a_page_or_an_exemption():
    pages, exempt = declarations()
    # A page may be declared once per group of roles; an exemption only once, and never a page.
    exempt_names = [e.name for e in exempt]
    declared = {p.name for p in pages} | set(exempt_names)
    twice = sorted(
        {n for n in exempt_names if exempt_names.count(n) > 1 or n in {p.name for p in pages}}
    )
    assert not twice, f"declared as exempt more than once or also as a page: {twice}"
    routes = set(route_names())
    missing = sorted(
        name for name in routes - declared if name.split(":")[0] not in NAMESPACE_EXEMPT
    )
    assert not missing, (
        "routes with no accessibility declaration (add a Page or an Exempt with a reason to the "
        f"app's tests/pages.py): {missing}"
    )
    unknown = sorted(declared - routes)
    assert not unknown, f"declared routes that do not exist: {unknown}"


def test_every_exemption_says_why_and_every_page_is_opened_by_someone():
    pages, exempt = declarations()
    assert all(len(e.reason) > 15 for e in exempt), [e.name for e in exempt if len(e.reason) <= 15]
    assert all(p.roles and p.states for p in pages), [p.name for p in pages if not p.roles]


def test_the_registry_notices_a_route_nobody_declared(settings):
    from django.urls import clear_url_caches, path

    import caremarket.urls

    settings.ROOT_URLCONF = type(
        "Urls",
        (),
        {"urlpatterns": [*caremarket.urls.urlpatterns, path("new/", lambda r: None, name="new")]},
    )
    clear_url_caches()
    try:
        assert "new" in set(route_names())
    finally:
        clear_url_caches()
