from datetime import datetime

from app.testing import advance, compose_post


def test_a_scheduled_post_is_published_on_time(
    qtbot, herald_window, herald_accounts, herald_clock, herald_emulator, herald_engine
):
    text = "Fresh sourdough at 10, cinnamon rolls at 11!"
    accounts = [herald_accounts["x"], herald_accounts["linkedin"]]
    compose_post(qtbot, herald_window, text, accounts=accounts, when=datetime(2026, 1, 5, 10, 0))
    assert herald_emulator.published() == []
    advance(herald_clock, herald_emulator, 3600)
    herald_engine.run_until_idle()
    assert [post["text"] for post in herald_emulator.published()] == [text, text]
