# Deliberately empty: administrators see no clinical content by default (DOMAIN.md
# section 7), so screenings, assessments, instruments and consent are not in the admin.
