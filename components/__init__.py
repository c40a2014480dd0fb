"""Presentational components: (Vars, event handlers) -> rx.Component. Import reflex only."""
