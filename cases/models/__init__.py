from cases.models.organisations import Membership, Organisation

__all__ = ["Membership", "Organisation"]
