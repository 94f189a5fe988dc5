"""People management: who holds which role in the units one manages, ending and handing over roles, access
resets with a new activation link, and the activation sheet of accounts not yet activated."""
