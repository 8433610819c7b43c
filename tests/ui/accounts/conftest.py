"""Fixtures for the Accounts area: a context with one workspace, seeded accounts, and the view
with its OAuth `connect` replaced by a stub (or the real one against the emulator)."""

from __future__ import annotations

import pytest

from app.core.appcontext import AppContext
from app.ui.accounts import AccountsView


@pytest.fixture
def context(db, clock) -> AppContext:
    ctx = AppContext(db=db, clock=clock)
    yield ctx


@pytest.fixture
def workspace(context):
    return context.workspaces.create("Corner Bakery", "Europe/London")


@pytest.fixture
def make_view(qtbot, context, workspace):
    views: list[AccountsView] = []

    def make(**kwargs) -> AccountsView:
        view = AccountsView(context, **kwargs)
        qtbot.addWidget(view)
        view.resize(1100, 640)
        view.set_workspace(workspace)
        view.show()
        views.append(view)
        return view

    yield make
    for view in views:
        assert view.shutdown(10), "a connect worker was still running"
