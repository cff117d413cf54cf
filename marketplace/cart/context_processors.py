from .selectors import session_cart_count


def cart(request):
    """How many items the header's cart link shows; read from the session, no Saleor call."""
    return {"cart_count": session_cart_count(request.session) if hasattr(request, "session") else 0}
