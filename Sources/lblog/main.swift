print("lblog: not yet implemented")
