"""What one web app holds for its whole life: settings, accounts, the directory, templates and limits.

Its own module so that the access policy (web.policy), which reads it on every request, does not
import the app factory (web.app), which imports the policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jinja2 import Environment

from habeas.security.accounts import Accounts
from habeas.services import Context
from habeas.settings import Settings
from habeas.web.config import WebSettings
from habeas.web.jobs import ImportJobs
from habeas.web.protection import SignInThrottle
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
    used_codes: dict[str, int] = field(default_factory=dict)  # the last TOTP time step each user spent
    imports: ImportJobs = field(default_factory=ImportJobs)  # dataset imports running in the background
