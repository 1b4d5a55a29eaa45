"""The foundation every area builds on: roles, the rule framework, base admin screens,
the client-address helper, rounding and Chinese search tokens. It imports no area."""
