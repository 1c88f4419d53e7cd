"""What consultations tells accounts about a person's home role (accounts/homes.py,
consultations/apps.py): a specialist profile, a booking or an active consent are
traces registered in `ConsultationsConfig.ready`, and each change to them forgets
the cached role at once (consultations/signals.py)."""

import pytest

from accounts import homes
from tests.accounts.factories import user_create
from tests.consultations.factories import consent_give, specialist_profile_create

pytestmark = pytest.mark.django_db


def fresh(user):
    """The person as the next request reads her (nothing remembered on the object)."""
    return type(user).objects.get(pk=user.pk)


class RoleTraceRegistryTests:
    def test_consultations_registers_its_traces(self):
        registered = {name: role for name, (role, _trace) in homes._role_traces.items()}
        assert registered == {
            "consultations.specialist_profile": homes.SPECIALIST_HOME,
            "consultations.booked": homes.CLIENT,
            "consultations.consented": homes.CLIENT,
        }

    def test_a_trace_for_an_unknown_role_is_refused(self):
        with pytest.raises(ValueError, match="Unknown home role"):
            homes.home_role_trace_register(
                name="test.nothing", role="astronaut", trace=lambda: None
            )
        assert "test.nothing" not in homes._role_traces


@pytest.mark.usefixtures("fresh_limits")
class RoleTraceTests:
    def test_a_specialist_profile_alone_gives_the_specialist_home_at_once(self):
        user = user_create(roles=("Learner",))
        assert homes.home_role(fresh(user)) == homes.LEARNER_HOME
        profile = specialist_profile_create(user=user)
        assert homes.home_role(fresh(user)) == homes.SPECIALIST_HOME
        profile.delete()
        assert homes.home_role(fresh(user)) == homes.LEARNER_HOME

    def test_a_consent_alone_makes_a_client_at_once(self):
        user = user_create(roles=("Learner",))
        assert homes.home_role(fresh(user)) == homes.LEARNER_HOME
        consent_give(user)
        assert homes.home_role(fresh(user)) == homes.CLIENT
