"""The composer dialog (see dialog.py)."""

from app.ui.composer.dialog import ComposerDialog

__all__ = ["ComposerDialog"]
