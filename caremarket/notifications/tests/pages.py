"""The notifications page's states for the accessibility walk (see caremarket.accessibility)."""

from caremarket.accessibility.registry import Exempt, Page

PAGES = [
    # The broker has notifications (the walk's data sends some); the health searcher has none.
    Page("notifications:list", roles=("broker", "health_searcher")),
]
EXEMPT = [
    Exempt("notifications:open", "A POST from a notification's link; redirects to its page."),
]
