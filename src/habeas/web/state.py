"""What one web app holds for its whole life: settings, accounts, the directory, templates and limits.

Nothing here may be the only copy of something several server processes must agree on: the
sign-in counts, spent codes and import jobs it points to are kept in the database, and the
directory checks the database's change log before it answers from its memory.

Its own module so that the access policy (web.policy), which reads it on every request, does not
import the app factory (web.app), which imports the policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jinja2 import Environment

from habeas.security.accounts import Accounts
from habeas.services import Context
from habeas.settings import Settings
from habeas.web.config import WebSettings
from habeas.web.jobs import ImportJobs
from habeas.web.protection import SignInThrottle, SpentCodes
from habeas.web.second_factor import SecondFactorLock

if TYPE_CHECKING:
    from habeas.services.directory import Directory


@dataclass
class AppState:
    settings: Settings
    web: WebSettings
    accounts: Accounts
    base: Context
    directory: Directory
    templates: Environment
    throttle: SignInThrottle
    second_factor: SecondFactorLock
    used_codes: SpentCodes  # the last TOTP time step each user spent
    imports: ImportJobs  # dataset imports started here, followed from any process
