from vendors.access import actor_for


def actor(request):
    """Who the visitor is on the vendor side, for the navigation (one query per page)."""
    return {"actor": actor_for(getattr(request, "user", None))}
