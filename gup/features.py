"""Feature registration: each feature's `init_app(app, registry)` declares what it plugs into the application.

`create_app` walks one list of features (`gup.FEATURES`) and hands each the same `Registry`; nothing else in the
application names a feature. A feature registers its blueprints and API blueprints, its `flask gup` commands,
its menu entries, its periodic jobs, its demo loader, its « Mes actions » work items and its evaluation
indicators; the aggregators
(navigation, scheduler, demo, inbox) read them back from `registry()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

EXTENSION_KEY = "gup"


@dataclass(frozen=True)
class MenuEntry:
    """One entry of the main menu."""

    endpoint: str
    label: Any
    #: endpoint prefixes that mark the entry as the current one (the longest match wins)
    current: tuple[str, ...]
    #: who sees it: a predicate on the signed-in user (None: every signed-in user)
    visible: Callable[[Any], bool] | None = None
    order: int = 100


@dataclass(frozen=True)
class PublicMenuEntry:
    """One entry of the residents' menu (the public pages' header, no account)."""

    endpoint: str
    label: Any
    #: endpoints that mark the entry as the current one
    current: tuple[str, ...]
    order: int = 100


@dataclass(frozen=True)
class JobSpec:
    """A periodic job: `func(now)` runs under the scheduler, in an app context, and the runner commits."""

    name: str
    func: Callable[..., Any]
    #: "cron" or "interval", with APScheduler's keyword arguments for that trigger
    trigger: str
    trigger_args: dict[str, Any]
    description: str = ""
    #: run after the other jobs due at the same time (the outbox sender: it sends what they queued)
    last: bool = False


@dataclass(frozen=True)
class DemoLoader:
    """A demo data loader, `func(context) -> DemoResult`; loaders run by ascending order and share context."""

    name: str
    func: Callable[..., Any]
    order: int = 100


@dataclass
class DemoResult:
    """What a demo loader did: whether anything changed and the lines `flask gup demo` prints."""

    changed: bool
    lines: list[str] = field(default_factory=list)
    #: printed whatever happened (e.g. the import summary)
    headline: str | None = None
    #: print `lines` whenever any loader changed something, not only this one
    always_report: bool = False


@dataclass
class Registry:
    """What the features plugged in, collected once per application."""

    app: Flask
    menu_entries: list[MenuEntry] = field(default_factory=list)
    public_menu_entries: list[PublicMenuEntry] = field(default_factory=list)
    jobs: dict[str, JobSpec] = field(default_factory=dict)
    demo_loaders: list[DemoLoader] = field(default_factory=list)
    work_item_providers: list[Any] = field(default_factory=list)
    cli_commands: list[Any] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    services: dict[str, Any] = field(default_factory=dict)
    #: evaluation indicators and annex tables (gup.indicators), by code
    indicator_specs: dict[str, Any] = field(default_factory=dict)
    annex_specs: dict[str, Any] = field(default_factory=dict)
    #: role value → the endpoint its users land on; such a role sees only the menu entries meant for it
    homes: dict[str, str] = field(default_factory=dict)
    #: role → the endpoint it lands on after logging in (registry.landing)
    landings: dict[str, str] = field(default_factory=dict)

    def blueprints(self, *blueprints: Any, csrf_exempt: bool = False, **options: Any) -> None:
        """Register HTML blueprints (csrf_exempt for machine-to-machine routes only)."""
        from gup.extensions import csrf

        for bp in blueprints:
            if csrf_exempt:
                csrf.exempt(bp)
            self.app.register_blueprint(bp, **options)

    def api(self, *blueprints: Any) -> None:
        """Register flask-smorest blueprints under /api/v1 (bearer tokens, never the session: no CSRF)."""
        from gup.extensions import api, csrf

        for blp in blueprints:
            csrf.exempt(blp)
            api.register_blueprint(blp, url_prefix=f"/api/v1{blp.url_prefix or ''}")

    def cli(self, *commands: Any) -> None:
        """Add click commands or groups under `flask gup`."""
        self.cli_commands.extend(commands)

    def menu(self, endpoint: str, label: Any, *, current: tuple[str, ...] = (),
             visible: Callable[[Any], bool] | None = None, order: int = 100) -> None:
        """Add a main-menu entry."""
        self.menu_entries.append(MenuEntry(endpoint, label, current or (endpoint,), visible, order))

    def public_menu(self, endpoint: str, label: Any, *, current: tuple[str, ...] = (), order: int = 100) -> None:
        """Add an entry to the residents' menu of the public pages; `current` are endpoint prefixes."""
        self.public_menu_entries.append(PublicMenuEntry(endpoint, label, current or (endpoint,), order))

    def home(self, role: Any, endpoint: str) -> None:
        """Give a role its own home page (e.g. relays land on their phone page instead of the dashboard). Users
        of that role see only the menu entries whose `visible` accepts them."""
        self.homes[str(getattr(role, "value", role))] = endpoint

    def landing(self, role: Any, endpoint: str) -> None:
        """Where a role arrives after logging in (e.g. a referent on « Mes actions »); the dashboard and the menu
        stay as they are."""
        self.landings[str(getattr(role, "value", role))] = endpoint

    def landing_for(self, user: Any) -> str:
        """The endpoint the user lands on after logging in: their role's landing, their home, or the dashboard."""
        role = getattr(user, "role", None)
        value = role.value if role is not None else None
        return self.landings.get(value) or self.homes.get(value) or "dashboard.index"

    def home_for(self, user: Any) -> str | None:
        """The endpoint the user's role lands on, when a feature gave it one."""
        role = getattr(user, "role", None)
        return self.homes.get(role.value) if role is not None else None

    def job(self, name: str, func: Callable[..., Any], *, trigger: str, description: str = "", last: bool = False,
            **trigger_args: Any) -> None:
        """Declare a periodic job; names are unique across features."""
        if name in self.jobs:
            raise ValueError(f"job {name!r} registered twice")
        self.jobs[name] = JobSpec(name, func, trigger, trigger_args, description, last)

    def demo(self, func: Callable[..., Any], *, name: str | None = None, order: int = 100) -> None:
        """Declare a demo data loader."""
        self.demo_loaders.append(DemoLoader(name or func.__module__, func, order))

    def provide(self, name: str, service: Any) -> None:
        """Offer a service to the layers below, which may not import the provider (e.g. the API token check)."""
        self.services[name] = service

    def service(self, name: str) -> Any:
        """A service some feature provided (KeyError when none did)."""
        return self.services[name]

    def indicators(self, specs: Any) -> None:
        """Declare computed evaluation indicators (gup.indicators.IndicatorSpec); codes are unique."""
        for spec in specs:
            if spec.code in self.indicator_specs:
                raise ValueError(f"indicator {spec.code!r} registered twice")
            self.indicator_specs[spec.code] = spec

    def annexes(self, specs: Any) -> None:
        """Declare the annex tables the evaluation reports list in full (gup.indicators.AnnexSpec)."""
        for spec in specs:
            if spec.code in self.annex_specs:
                raise ValueError(f"annex {spec.code!r} registered twice")
            self.annex_specs[spec.code] = spec

    def work_items(self, *providers: Any) -> None:
        """Declare providers of the work items a user must act on (see gup.inbox, and gup.dashboard's « À traiter »
        for the coordination's providers with a title)."""
        for provider in providers:
            if any(p.kind == provider.kind for p in self.work_item_providers):
                raise ValueError(f"work item kind {provider.kind!r} registered twice")
            self.work_item_providers.append(provider)


def registry(app: Flask | None = None) -> Registry:
    """The registry of the current (or given) application."""
    return (app or current_app).extensions[EXTENSION_KEY]


def init_features(app: Flask, features: tuple[str, ...]) -> Registry:
    """Import each feature package and call its `init_app(app, registry)`."""
    import importlib

    reg = Registry(app)
    app.extensions[EXTENSION_KEY] = reg
    for name in features:
        module = importlib.import_module(name)
        module.init_app(app, reg)
        reg.features.append(name)
    return reg
