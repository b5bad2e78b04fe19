"""Nothing to declare: the Salonkeep plugin kit (``salonkeep.core.plugins.testing``) is a pytest
plugin installed with Salonkeep (``pytest11`` entry point), so its fixtures (``salonkeep_clock``,
``emit``, ``planned``, ``salonkeep_outcome``, ``salonkeep_configure``, ``salonkeep_consent``,
``salonkeep_deliver``…) are there in every test. Override a kit fixture here, e.g. to test in
another place:

    @pytest.fixture
    def salonkeep_tenant_place():
        return ("SE", "Europe/Stockholm")
"""
