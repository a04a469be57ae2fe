"""The access token: the OS keyring and the login/logout commands."""
