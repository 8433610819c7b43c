"""Herald: a desktop social-media post scheduler."""

__version__ = "0.1.0"
