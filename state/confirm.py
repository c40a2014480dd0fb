"""A destructive action confirmed by typing a name: the dialog's open state, what was typed, its error."""

from __future__ import annotations

import reflex as rx

MAX_TYPED = 320  # the longest email address; organization names are shorter


class TypedConfirmation(rx.State, mixin=True):
    delete_open: bool = False
    delete_typed: str = ""
    delete_error: str = ""
    deleting: bool = False

    @rx.event
    def open_delete(self):
        self.delete_typed = ""
        self.delete_error = ""
        self.delete_open = True

    @rx.event
    def set_delete_open(self, value: bool):
        if not self.deleting:
            self.delete_open = value

    @rx.event
    def set_delete_typed(self, value: str):
        self.delete_typed = value[:MAX_TYPED]
        self.delete_error = ""
