"""The administrator's screens for staff accounts, teams and sites (instead of the Django
admin): services (every change with its history row and audit entry), selectors, forms
and views. URLs are in accounts/urls.py under /administration/."""
