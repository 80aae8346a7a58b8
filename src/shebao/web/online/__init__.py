"""The online hall for individuals: apply online, my messages (the hall home is the citizen home)."""
