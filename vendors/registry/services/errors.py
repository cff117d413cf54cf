class RegistryError(Exception):
    """A registry change a person asked for that the rules refuse; the message is Vietnamese."""

    def __init__(self, message: str, *, code: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
