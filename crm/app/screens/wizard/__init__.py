"""The relationship wizard: one small screen (`screen.py`) switching one widget per step (`steps/`)."""

from crm.app.screens.wizard.screen import WizardScreen

__all__ = ["WizardScreen"]
