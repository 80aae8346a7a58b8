"""Published content: policies and regulations, Q&A (the 12333 knowledge base shares it) and
employment notices, managed by staff with publish and expiry dates."""
