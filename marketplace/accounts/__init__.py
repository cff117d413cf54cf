"""People: buyers, producers' staff and officers sign in with their email address."""
