"""Synthetic demo data (never a real person's): the `seed_demo` command, its steps, one module
per app whose records it makes, and `demo_logins`. The last app in the import order: it may
import every other app, and none imports it."""
