"""Who works on an inslussning programme."""

from cases.roles import CASEWORKER_ROLES, CHEF_ROLES

# Caseworkers (incl. inslussningssamordnare) and chefs of the kommun, frivården and the anstalt.
STAFF_ROLES = CASEWORKER_ROLES | CHEF_ROLES
