from vendors.errors import UserError


class RegistryError(UserError):
    """A registry change a person asked for that the rules refuse; the message is Vietnamese."""
