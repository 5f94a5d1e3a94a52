from tests.documents.conftest import media_root  # noqa: F401  (fixture: files kept apart)
from tests.treatment_requirements.conftest import (  # noqa: F401  (fixtures)
    officer,
    order,
    probation_team,
    provider_team,
)
