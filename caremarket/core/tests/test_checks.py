from django.conf import settings

from caremarket.core.checks import frontend_built


def test_a_complete_front_end_build_passes():
    assert frontend_built() == []


def test_a_missing_front_end_build_is_an_error_naming_the_files():
    from django.test import override_settings

    dirs = [
        d for d in settings.STATICFILES_DIRS if not (isinstance(d, tuple) and d[0] == "chartjs")
    ]
    with override_settings(STATICFILES_DIRS=dirs):
        errors = frontend_built()
    assert [e.id for e in errors] == ["core.E001"]
    assert "chartjs/chart.umd.min.js" in errors[0].msg and "make install" in errors[0].hint
