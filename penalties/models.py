# Violations, sanctions and the annual assessment arrive with the "Penalties" issue.
