"""The accessibility check of every page: axe-core in headless Chromium, plus the GOV.UK rules
axe cannot know (titles, reflow at 320 px, GET forms without a CSRF token).

Each app declares its pages in ``<app>/tests/pages.py`` (see ``registry``); a test walks the URL
configuration so that a page route without a declaration fails the suite.
"""
