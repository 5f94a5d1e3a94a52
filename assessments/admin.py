# Deliberately empty: administrators see no clinical content by default (docs/domain.md
# "Who sees what"), so screenings, assessments, instruments and consent are not in the admin.
